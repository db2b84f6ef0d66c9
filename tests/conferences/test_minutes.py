"""Minutes of a case conference (PDF, French): only what the reader may see, nothing fetched,
journaled."""

import pytest
from django.utils import formats, timezone, translation
from weasyprint import HTML

from parcours.audit.enums import Action
from parcours.audit.models import JournalEntry
from parcours.conferences import minutes
from parcours.core.actor import actor_for
from parcours.core.errors import DomainError, NotAllowed
from tests.conferences.conftest import (
    JUSTICE_DECISION,
    JUSTICE_POINT,
    SOCIAL_DECISION,
    SOCIAL_POINT,
)
from tests.conftest import PERSON


def rendered_text(html: str) -> str:
    """The text WeasyPrint lays out on the PDF's pages (no PDF text extractor is installed:
    this is the text the PDF is drawn from, after layout)."""
    document = HTML(string=html, url_fetcher=minutes.NoFetch()).render()

    def walk(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", None) or []:
            yield from walk(child)

    return " ".join(text for page in document.pages for text in walk(page._page_box))


def test_a_reader_without_justice_gets_no_justice_in_the_minutes(partner, held):
    text = rendered_text(minutes.minutes_html(actor_for(partner.user), held))
    assert SOCIAL_POINT in text and SOCIAL_DECISION in text
    assert JUSTICE_POINT not in text and JUSTICE_DECISION not in text


def test_the_police_reads_justice_only(participant, held):
    text = rendered_text(minutes.minutes_html(actor_for(participant.user), held))
    assert JUSTICE_POINT in text and JUSTICE_DECISION in text
    assert SOCIAL_POINT not in text and SOCIAL_DECISION not in text


def test_the_referent_reads_everything_but_never_the_persons_name(referent, held, case):
    text = rendered_text(minutes.minutes_html(actor_for(referent.user), held))
    for wanted in (SOCIAL_POINT, JUSTICE_POINT, SOCIAL_DECISION, JUSTICE_DECISION, case.ref):
        assert wanted in text
    assert PERSON["family_name"] not in text and PERSON["given_names"] not in text


def test_minutes_are_in_french_whatever_the_readers_language(referent, held):
    with translation.override("en"):
        html = minutes.minutes_html(actor_for(referent.user), held)
    with translation.override("fr"):
        date = formats.date_format(timezone.localtime(held.at), "DATETIME_FORMAT")
    assert '<html lang="fr">' in html and date in html


def test_the_minutes_fetch_nothing():
    with pytest.raises(ValueError):
        minutes.NoFetch().fetch("http://127.0.0.1:9/x.css")
    html = '<link rel="stylesheet" href="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
    assert minutes.render_pdf(html).startswith(b"%PDF")


def test_minutes_for_a_reader_are_a_journaled_pdf(participant, held, case):
    filename, pdf = minutes.minutes_for(actor_for(participant.user), held)
    assert pdf.startswith(b"%PDF")
    day = timezone.localtime(held.at).date().isoformat()
    assert filename == f"compte-rendu-{case.ref}-{day}.pdf"
    entry = JournalEntry.objects.get(action=Action.CONFERENCE_MINUTES)
    assert entry.object_ref == case.ref and entry.user == participant.user
    assert entry.groups == ["identity", "justice"]


def test_no_minutes_before_the_conference_is_held_nor_for_outsiders(
    referent, outsider, planned, held
):
    with pytest.raises(DomainError):
        minutes.minutes_for(actor_for(referent.user), planned)
    with pytest.raises(NotAllowed):
        minutes.minutes_for(actor_for(outsider.user), held)
    assert not JournalEntry.objects.filter(action=Action.CONFERENCE_MINUTES).exists()
