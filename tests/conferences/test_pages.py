"""Case-conference pages as users see them: convene from the case page, the person's consent,
recording decisions, cancelling, the minutes download, and 404 for everybody outside."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.audit.enums import Action
from parcours.audit.models import JournalEntry
from parcours.cases.models import Task
from parcours.conferences.enums import ConferenceStatus
from parcours.conferences.models import Conference
from tests.conferences.conftest import (
    JUSTICE_DECISION,
    JUSTICE_POINT,
    SOCIAL_DECISION,
    SOCIAL_POINT,
)
from tests.conftest import PERSON, sign_in


def _url(name, conference):
    return reverse(name, kwargs={"ref": conference.case.ref, "pk": conference.pk})


def _page(response):
    body = response.content.decode()
    assert " style=" not in body and "<script>" not in body  # the CSP stays strict
    return body


def test_referent_convenes_from_the_case_page(client, referent, participant, partner, case):
    sign_in(client, referent)
    case_page = _page(client.get(reverse("case_detail", kwargs={"ref": case.ref})))
    new_url = reverse("conference_new", kwargs={"ref": case.ref})
    assert new_url in case_page
    assert client.get(new_url).status_code == 200
    at = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        new_url,
        {
            "at": at.strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle 3",
            "invited": [participant.actor.organisation.pk, partner.actor.organisation.pk],
            "person_invited": "on",
            "agenda_1": SOCIAL_POINT,
            "agenda_1_group": "social",
            "agenda_2": JUSTICE_POINT,
            "agenda_2_group": "justice",
        },
    )
    conference = Conference.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(
        "conference_detail", conference
    )
    assert conference.person_invited and conference.agenda.count() == 2
    page = _page(client.get(reverse("case_detail", kwargs={"ref": case.ref})))
    assert 'data-testid="conferences"' in page and _url("conference_detail", conference) in page


def test_convene_form_refuses_an_empty_agenda(client, referent, case):
    sign_in(client, referent)
    at = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        reverse("conference_new", kwargs={"ref": case.ref}),
        {"at": at.strftime("%Y-%m-%dT%H:%M"), "agenda_1": "", "agenda_1_group": "social"},
    )
    assert response.status_code == 200 and not Conference.objects.exists()


def test_participant_sees_the_conference_within_its_groups(client, participant, held):
    sign_in(client, participant)
    case_page = _page(client.get(reverse("case_detail", kwargs={"ref": held.case.ref})))
    assert _url("conference_detail", held) in case_page
    assert reverse("conference_new", kwargs={"ref": held.case.ref}) not in case_page
    page = _page(client.get(_url("conference_detail", held)))
    assert JUSTICE_POINT in page and JUSTICE_DECISION in page
    assert SOCIAL_POINT not in page and SOCIAL_DECISION not in page
    assert PERSON["family_name"] not in page
    assert _url("conference_minutes", held) in page
    assert _url("conference_record", held) not in page  # may not record or cancel
    entry = JournalEntry.objects.filter(action=Action.CONFERENCE_VIEW, user=participant.user).last()
    assert entry.reason == f"conference:{held.pk}" and entry.groups == ["identity", "justice"]


@pytest.mark.parametrize(
    "name",
    [
        "conference_detail",
        "conference_consent",
        "conference_record",
        "conference_minutes",
        "conference_cancel",
    ],
)
def test_outsiders_get_404_for_existing_and_unknown_conferences(client, outsider, held, name):
    sign_in(client, outsider)
    method = client.post if name == "conference_cancel" else client.get
    assert method(_url(name, held)).status_code == 404
    fake = reverse(name, kwargs={"ref": held.case.ref, "pk": held.pk + 1000})
    assert method(fake).status_code == 404


def test_a_conference_of_another_case_is_a_404(client, referent, held):
    from parcours.cases import services as case_services
    from tests.conftest import PERSON as person

    other = case_services.open_case(referent.actor, dict(person))
    sign_in(client, referent)
    url = reverse("conference_detail", kwargs={"ref": other.ref, "pk": held.pk})
    assert client.get(url).status_code == 404


def test_consent_then_record_decisions_from_the_pages(client, referent, participant, partner, case):
    from tests.conferences.conftest import convene

    conference = convene(referent.actor, case, past=True)
    sign_in(client, referent)
    record_url = _url("conference_record", conference)
    decisions = {
        "attended": [participant.actor.organisation.pk],
        "decision_1": SOCIAL_DECISION,
        "decision_1_group": "social",
        "decision_1_owner": partner.actor.organisation.pk,
        "decision_2": JUSTICE_DECISION,
        "decision_2_group": "justice",
        "decision_2_owner": participant.actor.organisation.pk,
    }
    page = _page(client.get(record_url))
    assert 'data-testid="no-consent"' in page
    response = client.post(record_url, {**decisions, "version": conference.version})
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    assert not Task.objects.exists()

    response = client.post(
        _url("conference_consent", conference),
        {
            "given_on": timezone.localdate().isoformat(),
            "how": "written",
            "language": "soussou",
            "interpreter": "",
            "version": conference.version,
        },
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    response = client.post(record_url, {**decisions, "version": conference.version})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert set(Task.objects.values_list("owner_org_id", flat=True)) == {
        partner.actor.organisation_id,
        participant.actor.organisation_id,
    }
    page = _page(client.get(_url("conference_detail", conference)))
    assert SOCIAL_DECISION in page and JUSTICE_DECISION in page
    assert client.get(record_url).status_code == 302  # recorded once: back to the conference


def test_a_decision_without_an_organisation_is_refused(client, referent, past):
    sign_in(client, referent)
    response = client.post(
        _url("conference_record", past),
        {"decision_1": SOCIAL_DECISION, "decision_1_group": "social", "version": past.version},
    )
    assert response.status_code == 200 and not Task.objects.exists()


def test_cancel_from_a_stale_page_is_refused_then_works(client, referent, planned):
    sign_in(client, referent)
    url = _url("conference_cancel", planned)
    response = client.post(url, {"reason": "Hospitalisation", "version": planned.version + 1})
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in _page(response)
    response = client.post(url, {"reason": "Hospitalisation", "version": planned.version})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == ConferenceStatus.CANCELLED


def test_minutes_download(client, partner, held, case):
    sign_in(client, partner)
    response = client.get(_url("conference_minutes", held))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    day = timezone.localtime(held.at).date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="compte-rendu-{case.ref}-{day}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    entry = JournalEntry.objects.get(action=Action.CONFERENCE_MINUTES)
    assert entry.user == partner.user and entry.groups == ["identity", "social"]


def test_no_minutes_for_a_planned_conference(client, referent, planned):
    sign_in(client, referent)
    assert client.get(_url("conference_minutes", planned)).status_code == 404
    assert (
        _url("conference_minutes", planned)
        not in client.get(_url("conference_detail", planned)).content.decode()
    )
