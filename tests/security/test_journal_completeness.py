"""Every read of a person's data is journaled (DESIGN.md, rules of the house): each route that
renders the full case's data, walked for the referent and for participants, must add at least
one journal entry by the reader whenever its answer (200, or a 400 re-render after a form error)
shows any of the case's data (a sentinel of any field group, or what tells where the person
sleeps). The same walk as the page-wide redaction test (``test_redaction``): a route joins both
or is excused there.
"""

import pytest

from parcours.audit.models import JournalEntry
from tests.conftest import sign_in
from tests.security.full_case import LOCATION_MARKERS, SENTINEL, built_once, found_markers
from tests.security.test_redaction import (
    answer_text,
    send,
    spy_on_minutes,
    walked_requests,
    walked_routes,
)

CASE_DATA = list(dict.fromkeys([*SENTINEL.values(), *LOCATION_MARKERS]))
# The referent (designated for locations: it sees everything), the host facility (a participant
# with its inbox) and a social-support participant.
READERS = ["referent", "host", "siao"]


@pytest.fixture(scope="module")
def full(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as built:
        yield built


@pytest.fixture
def pdf_html(monkeypatch):
    return spy_on_minutes(monkeypatch)


def case_data_for(persona) -> list[str]:
    """The markers of the case's data; the host's own name (in its pages' header, on its
    facility list) is no data of the case to the host itself."""
    return [m for m in CASE_DATA if not (persona == "host" and m == "SENTINEL-HOST")]


def _entries_by(user) -> int:
    """Journal entries by ``user``, sign-ins and sign-outs aside."""
    return JournalEntry.objects.filter(user=user).exclude(action__startswith="auth.").count()


def test_the_walk_holds_the_reads_of_issue_9():
    """Form re-renders, the referral and hand-over pages and the facility's inbox are walked."""
    walked = set(walked_routes())
    wanted = {"case_note", "case_contact", "case_task_add", "referral_detail", "handover_detail"}
    assert wanted | {"placement_inbox", "case_detail", "person_detail"} <= walked


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize("route", walked_routes())
def test_every_read_of_case_data_is_journaled(full, db, client, pdf_html, route, persona):
    reader = full.personas[persona]
    sign_in(client, reader)
    unjournaled = []
    for method, url, data, headers in walked_requests(route, full):
        pdf_html.clear()
        before = _entries_by(reader.user)
        response = send(client, method, url, data, headers)
        if response.status_code not in (200, 400):
            continue
        shown = found_markers(answer_text(response, pdf_html), case_data_for(persona))
        if shown and _entries_by(reader.user) == before:
            unjournaled.append(
                f"{route}: {method.upper()} {url} as {persona} ({response.status_code}) shows "
                f"{', '.join(shown)} and journals nothing"
            )
    assert not unjournaled, "\n".join(unjournaled)
