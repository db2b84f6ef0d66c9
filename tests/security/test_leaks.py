"""The leaks of issue 9 ("Where she sleeps stays secret"), one test each, on the full case
(``tests.security.full_case``). The host facility is "Centre SENTINEL-HOST"; its name tells
where the person sleeps, so only readers with the location group may read it. The gendarmerie
sees identity and justice, the SIAO and the CCAS identity and social, the referent's caseworker
who is not designated for locations every group but the location.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from parcours.audit.models import JournalEntry
from tests.conftest import sign_in
from tests.security.full_case import (
    APPOINTMENT_PURPOSE,
    HOST_CONTACT,
    HOST_NOTE_IDENTITY,
    HOST_NOTE_SOCIAL,
    HOST_ORG,
    HOST_STAFF,
    SHELTER_RECIPIENT,
    built_once,
)

READERS_WITHOUT_LOCATION = ["gendarmerie", "siao", "referent_plain"]
SOCIAL_READERS_WITHOUT_LOCATION = ["siao", "referent_plain"]


@pytest.fixture(scope="module")
def full(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as built:
        yield built


class _Sections(HTMLParser):
    """The text of every element carrying ``data-testid="<testid>"``, nested ones included."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}

    def __init__(self, testid):
        super().__init__()
        self.testid, self.depth, self.parts = testid, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("data-testid") == self.testid:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1
            if not self.depth:
                self.parts.append("\n")

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def section(html: str, testid: str) -> str:
    parser = _Sections(testid)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def page(client, full, persona, name, **kwargs):
    sign_in(client, full.personas[persona])
    response = client.get(reverse(name, kwargs=kwargs))
    return response, response.content.decode()


def case_page(client, full, persona):
    response, html = page(client, full, persona, "case_detail", ref=full.case.ref)
    assert response.status_code == 200
    return html


# (1) --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS_WITHOUT_LOCATION)
def test_a_note_or_contact_by_the_host_does_not_name_the_host_as_its_author(
    full, db, client, persona
):
    html = case_page(client, full, persona)
    timeline = section(html, "timeline")
    assert HOST_NOTE_IDENTITY in timeline  # the host's note is shown...
    assert HOST_ORG not in timeline  # ...but not who wrote it
    if persona in SOCIAL_READERS_WITHOUT_LOCATION:
        assert HOST_NOTE_SOCIAL in timeline
        contacts = section(html, "contacts")
        assert HOST_CONTACT in contacts
        assert HOST_ORG not in contacts


# (2) --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS_WITHOUT_LOCATION)
def test_the_appointment_attendees_do_not_name_the_host(full, db, client, persona):
    appointments = section(case_page(client, full, persona), "appointments")
    assert APPOINTMENT_PURPOSE in appointments
    assert HOST_ORG not in appointments


# (3) --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", SOCIAL_READERS_WITHOUT_LOCATION)
def test_a_conference_task_owned_by_the_host_does_not_name_it_in_its_title(
    full, db, client, persona
):
    tasks = section(case_page(client, full, persona), "tasks")
    assert "SENTINEL-SOCIAL-DECISION" in tasks  # the conference's decisions are tasks
    assert HOST_ORG not in tasks


# (4) --------------------------------------------------------------------------------------


def test_the_case_page_does_not_name_the_recipient_of_a_shelter_referral(full, db, client):
    referrals = section(case_page(client, full, "referent_plain"), "referrals")
    assert full.referrals["shelter"].ref in referrals
    assert SHELTER_RECIPIENT not in referrals


@pytest.mark.parametrize(
    "persona, referral, hidden",
    [
        ("siao", "immigration", "SENTINEL-IMMIGRATION"),  # service, recipient, purpose, refusal
        ("ccas", "health_insurance", "SENTINEL-HEALTH"),  # service, recipient, purpose
        ("siao", "shelter", "SENTINEL-SHELTERREF"),  # the shelter's name, without the location
    ],
)
def test_the_referral_page_shows_nothing_outside_the_readers_groups(
    full, db, client, persona, referral, hidden
):
    ref = full.referrals[referral].ref
    response, html = page(client, full, persona, "referral_detail", ref=ref)
    assert response.status_code in (200, 404)
    assert hidden not in html


# (5) --------------------------------------------------------------------------------------


def test_the_access_history_does_not_name_the_host_staff_nor_its_organisation(full, db, client):
    response, html = page(client, full, "referent_plain", "person_detail", ref=full.person.ref)
    history = section(html, "access-history")
    assert full.orgs["gendarmerie"].name in history  # other readers are named
    assert HOST_STAFF not in history
    assert HOST_ORG not in history


# (10) -------------------------------------------------------------------------------------


def _journaled_since(full, user, before) -> bool:
    """A journal entry by ``user`` about the case (or its person, or one of its referrals)."""
    refs = {full.case.ref, full.person.ref, *(r.ref for r in full.referrals.values())}
    new = JournalEntry.objects.filter(seq__gt=before, user=user)
    return any(e.object_ref in refs or e.related_ref in refs for e in new)


def _last_seq():
    return JournalEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_the_note_form_re_rendered_after_an_error_is_journaled(full, db, client):
    sign_in(client, full.personas["referent"])
    before = _last_seq()
    response = client.post(reverse("case_note", kwargs={"ref": full.case.ref}), {})
    assert response.status_code == 400 and HOST_NOTE_SOCIAL in response.content.decode()
    assert _journaled_since(full, full.personas["referent"].user, before)


def test_reading_the_referral_page_is_journaled(full, db, client):
    sign_in(client, full.personas["referent"])
    before = _last_seq()
    ref = full.referrals["immigration"].ref
    response = client.get(reverse("referral_detail", kwargs={"ref": ref}))
    assert (
        response.status_code == 200 and "SENTINEL-IMMIGRATION-REFUSAL" in response.content.decode()
    )
    assert _journaled_since(full, full.personas["referent"].user, before)


def test_reading_the_handover_page_is_journaled(full, db, client):
    sign_in(client, full.personas["referent"])
    before = _last_seq()
    response = client.get(reverse("handover_detail", kwargs={"pk": full.handover.pk}))
    assert response.status_code == 200 and full.case.ref in response.content.decode()
    assert _journaled_since(full, full.personas["referent"].user, before)


def test_reading_the_facility_inbox_is_journaled(full, db, client):
    sign_in(client, full.personas["host"])
    before = _last_seq()
    response = client.get(reverse("placement_inbox"))
    assert response.status_code == 200 and full.case.ref in response.content.decode()
    assert _journaled_since(full, full.personas["host"].user, before)
