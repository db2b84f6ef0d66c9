"""Snapshots (syrupy) of the text of the PDF minutes of a held case conference, as each reader
gets it: the referent (everything), the social-support partner (the social group only) and the
police participant (justice only). The text is what WeasyPrint lays out on the pages (as
``rendered_text`` of test_minutes), here block by block. A changed template shows as a snapshot
diff to review (``pytest --snapshot-update tests/conferences/test_minutes_snapshot.py`` writes
it again).

Deterministic: time is frozen at a fixed instant before anything is built (the conference's
date, the consent's, the printing date), the organisations have fixed names, and the case's
reference, drawn at random when the case opens, is replaced by ``C-XXXX-XX`` in the snapshot.
"""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import LineBox

from parcours.conferences import minutes
from parcours.core.actor import actor_for
from tests import personas
from tests.conferences.test_minutes import rendered_text
from tests.factories import OrganisationFactory

FROZEN_AT = datetime.datetime(2026, 3, 10, 14, 30, tzinfo=datetime.UTC)  # 15:30 in Paris
CASE_REF = re.compile(r"\bC-[0-9A-Z]{4}-[0-9A-Z]{2}\b")


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield


# The fixtures of tests/conftest.py and tests/conferences/conftest.py, with fixed names.
@pytest.fixture
def referent(frozen, db):
    association = OrganisationFactory(name="Association Fil d'Ariane (fictive)", city="Bordeaux")
    return personas.referent(organisation=association)


@pytest.fixture
def participant(frozen, db):
    police = OrganisationFactory(
        kind="police", name="Commissariat central de Bordeaux (fictif)", city="Bordeaux"
    )
    return personas.participant(organisation=police)


@pytest.fixture
def partner(frozen, referent, case):
    association = OrganisationFactory(name="Maison des solidarités (fictive)", city="Bordeaux")
    return personas.partner(referent, case, organisation=association)


def rendered_paragraphs(html: str) -> list[str]:
    """The text WeasyPrint lays out on the PDF's pages, one string per block of text (a
    heading, a paragraph, a table cell...), in order. Lines are joined again, so the snapshot
    does not depend on where the installed fonts make a line break."""
    document = HTML(string=html, url_fetcher=minutes.NoFetch()).render()

    def texts(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", None) or []:
            yield from texts(child)

    def paragraphs(box):
        children = getattr(box, "children", None) or []
        if children and all(isinstance(child, LineBox) for child in children):
            text = ""
            for line in children:
                part = " ".join(" ".join(texts(line)).split())
                # a line broken after a hyphen ("conservez-" / "le") is one word again
                text = f"{text}{part}" if not text or text.endswith("-") else f"{text} {part}"
            yield text
            return
        for child in children:
            yield from paragraphs(child)

    return [text for page in document.pages for text in paragraphs(page._page_box) if text]


def _minutes_paragraphs(persona, conference) -> list[str]:
    html = minutes.minutes_html(actor_for(persona.user), conference)
    return [CASE_REF.sub("C-XXXX-XX", text) for text in rendered_paragraphs(html)]


@pytest.mark.parametrize("reader", ["referent", "partner", "participant"])
def test_the_minutes_text_for_each_reader(reader, frozen, held, request, snapshot):
    assert timezone.now() == FROZEN_AT  # built and printed at the frozen instant
    paragraphs = _minutes_paragraphs(request.getfixturevalue(reader), held)
    assert any("C-XXXX-XX" in text for text in paragraphs)
    assert paragraphs == snapshot


def test_the_reference_is_the_only_thing_scrubbed(frozen, referent, held, case):
    """The snapshot hides the case's reference only: the minutes hold exactly that one, and
    the paragraphs hold the whole text."""
    html = minutes.minutes_html(actor_for(referent.user), held)
    text = rendered_text(html)
    assert set(CASE_REF.findall(text)) == {case.ref}
    assert "".join("".join(rendered_paragraphs(html)).split()) == "".join(text.split())
