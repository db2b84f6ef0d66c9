"""The facility staff's side of safe shelter, as they see it: their facilities and free places
(pages and API), refused updates that change nothing and say why, the proposals asked of them
(without the person's name), accepting, declining with a code, the arrival, the last place
proposed twice, and out-of-date availability."""

import datetime
import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.cases import services
from parcours.shelter.enums import PlacementStatus, RequestStatus
from parcours.shelter.models import AvailabilityUpdate, Facility
from tests import personas
from tests.conftest import PERSON, sign_in
from tests.www.matrix_facility import make_facility, propose_to


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


@pytest.fixture
def staff(db):
    return personas.facility_staff("staff", dep="13")


@pytest.fixture
def other_staff(db):
    return personas.facility_staff("other_staff", dep="06")


@pytest.fixture
def facility(staff):
    return make_facility(organisation=staff.actor.organisation, capacity=10, free=3)


@pytest.fixture
def staff_client(client, staff):
    sign_in(client, staff)
    _english(client)
    return client


def _set_free(client, facility, free, version=None):
    url = reverse("facility_availability", kwargs={"pk": facility.pk})
    return client.post(
        url, {"free": free, "version": facility.version if version is None else version}
    )


def _api_url(facility):
    return reverse("facility_availability_api", kwargs={"pk": facility.pk})


def _put(client, facility, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.put(_api_url(facility), data, content_type="application/json", **extra)


# --- the facility list and the page update --------------------------------------------------


def test_staff_see_their_facilities_with_address(staff_client, facility, other_staff):
    elsewhere = make_facility(organisation=other_staff.actor.organisation, name="Ailleurs fictif")
    page = staff_client.get(reverse("facility_list")).content.decode()
    assert facility.name in page and "12 rue Imaginaire" in page
    assert elsewhere.name not in page
    assert 'data-testid="stale"' not in page


def test_staff_update_free_places_from_the_page(staff_client, facility, staff):
    response = _set_free(staff_client, facility, 7)
    assert response.status_code == 302 and response["Location"] == reverse("facility_list")
    facility.refresh_from_db()
    assert facility.free == 7 and facility.version == 2
    update = AvailabilityUpdate.objects.get(facility=facility)
    assert (update.free, update.via, update.by_user) == (7, "page", staff.user)
    page = staff_client.get(reverse("facility_list")).content.decode()
    assert "Availability updated." in page


@pytest.mark.parametrize(
    ("free", "stale", "message"),
    [
        (-1, False, "Free places cannot be negative."),
        (11, False, "Free places cannot exceed the capacity (10)."),
        (5, True, "The availability was changed meanwhile. Reload the page and try again."),
    ],
)
def test_refused_page_update_changes_nothing_and_says_why(
    staff_client, facility, free, stale, message
):
    version = facility.version + 1 if stale else facility.version
    response = _set_free(staff_client, facility, free, version=version)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="form-errors"' in page and message in page
    facility.refresh_from_db()
    assert (facility.free, facility.version) == (3, 1)
    assert not AvailabilityUpdate.objects.exists()


def test_another_organisation_gets_404(client, facility, other_staff):
    sign_in(client, other_staff)
    assert _set_free(client, facility, 1).status_code == 404
    assert client.get(_api_url(facility)).status_code == 404
    response = _put(client, facility, {"free": 1})
    assert response.status_code == 404 and "error" in response.json()
    assert client.get(reverse("facility_list")).content.decode().count(facility.name) == 0
    facility.refresh_from_db()
    assert facility.free == 3


def test_stale_badge_after_the_configured_age(staff_client, facility):
    hours = settings.AVAILABILITY_STALE_HOURS
    facility.availability_at = timezone.now() - datetime.timedelta(hours=hours + 1)
    facility.save()
    page = staff_client.get(reverse("facility_list")).content.decode()
    assert 'data-testid="stale"' in page and "Out of date" in page
    assert staff_client.get(_api_url(facility)).json()["stale"] is True
    facility.availability_at = timezone.now() - datetime.timedelta(hours=hours - 1)
    facility.save()
    assert 'data-testid="stale"' not in staff_client.get(reverse("facility_list")).content.decode()
    assert staff_client.get(_api_url(facility)).json()["stale"] is False


# --- the API --------------------------------------------------------------------------------


def test_api_reads_and_updates_availability(staff_client, facility, staff):
    data = staff_client.get(_api_url(facility)).json()
    assert data == {
        "facility": facility.pk,
        "free": 3,
        "capacity": 10,
        "updated_at": facility.availability_at.isoformat(),
        "stale": False,
        "version": 1,
    }
    response = _put(staff_client, facility, {"free": 0, "version": 1})
    assert response.status_code == 200
    assert response.json()["free"] == 0 and response.json()["version"] == 2
    response = _put(staff_client, facility, {"free": 4})  # the version is optional
    assert response.status_code == 200 and response.json()["version"] == 3
    assert list(AvailabilityUpdate.objects.values_list("free", "via")) == [(4, "api"), (0, "api")]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"free": -2, "version": 1}, 400, "Free places cannot be negative."),
        ({"free": 11}, 400, "Free places cannot exceed the capacity (10)."),
        ({"free": 2, "version": 9}, 409, "The availability was changed meanwhile."),
        ({"free": "2"}, 400, "The number of free places must be a whole number."),
        ({"free": True}, 400, "The number of free places must be a whole number."),
        ({"free": 2, "version": "1"}, 400, "The version must be a whole number."),
        ("not json", 400, "Send a JSON object"),
        ([2], 400, "Send a JSON object"),
    ],
)
def test_api_refuses_bad_updates_and_changes_nothing(staff_client, facility, body, status, message):
    response = _put(staff_client, facility, body)
    assert response.status_code == status
    assert message in response.json()["error"]
    facility.refresh_from_db()
    assert (facility.free, facility.version) == (3, 1)
    assert not AvailabilityUpdate.objects.exists()


def test_api_answers_anonymous_with_json_not_a_redirect(client, facility):
    for response in (client.get(_api_url(facility)), _put(client, facility, {"free": 1})):
        assert response.status_code == 403
        assert response["Content-Type"] == "application/json"
        assert "error" in response.json()
    facility.refresh_from_db()
    assert facility.free == 3


def test_api_put_needs_the_csrf_token(staff, facility):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, staff)
    assert client.get(reverse("facility_list")).status_code == 200  # sets the CSRF cookie
    assert _put(client, facility, {"free": 1}).status_code == 403
    facility.refresh_from_db()
    assert facility.free == 3
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert _put(client, facility, {"free": 1}, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_api_refuses_other_methods(staff_client, facility):
    response = staff_client.delete(_api_url(facility))
    assert response.status_code == 405 and response["Allow"] == "GET, PUT"


# --- proposals ------------------------------------------------------------------------------


@pytest.fixture
def proposal(case, facility):
    return propose_to(case, facility)


def _answer(client, placement, **data):
    url = reverse("placement_answer", kwargs={"pk": placement.pk})
    return client.post(url, {"version": placement.version, "code": "", "text": "", **data})


def _arrived(client, placement):
    url = reverse("placement_host_arrival", kwargs={"pk": placement.pk})
    return client.post(url, {"version": placement.version})


def test_inbox_shows_the_proposal_without_the_person(staff_client, case, proposal):
    assert proposal.status == PlacementStatus.PROPOSED
    page = staff_client.get(reverse("placement_inbox")).content.decode()
    assert f'data-testid="proposal-{proposal.pk}"' in page
    assert case.ref in page and "soussou" in page and "Female" in page
    for secret in (PERSON["family_name"], PERSON["given_names"], "Amad", "Acacias", "06 12 34"):
        assert secret not in page
    assert reverse("case_detail", kwargs={"ref": case.ref}) not in page


def test_accepting_makes_the_facility_the_host(staff_client, staff, case, proposal, facility):
    response = _answer(staff_client, proposal, decision="accept")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.ACCEPTED
    assert case.participants.filter(organisation=staff.actor.organisation, active=True).exists()
    page = staff_client.get(reverse("placement_inbox")).content.decode()
    assert "Accepted: the case&#x27;s referent is told." in page
    assert f'data-testid="accepted-{proposal.pk}"' in page and "The person has arrived" in page
    facility.refresh_from_db()
    assert facility.free == 2  # the place stays taken


def test_declining_with_a_code_gives_the_place_back(staff_client, proposal, facility):
    facility.refresh_from_db()
    assert facility.free == 2  # held by the proposal
    response = _answer(staff_client, proposal, decision="decline", code="language")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_code) == (PlacementStatus.DECLINED, "language")
    facility.refresh_from_db()
    assert facility.free == 3
    page = staff_client.get(reverse("placement_inbox")).content.decode()
    assert f'data-testid="proposal-{proposal.pk}"' not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "decline"}, "Choose a reason for declining."),
        ({"decision": "decline", "code": "other"}, "Explain the reason for declining."),
        ({"decision": "accept", "version": 99}, "This placement was changed meanwhile."),
    ],
)
def test_refused_answers_say_why_and_change_nothing(staff_client, proposal, data, message):
    response = _answer(staff_client, proposal, **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="form-errors"' in page and message in page
    proposal.refresh_from_db()
    assert (proposal.status, proposal.version) == (PlacementStatus.PROPOSED, 2)


def test_decline_other_with_an_explanation(staff_client, proposal):
    data = {"decision": "decline", "code": "other", "text": "Travaux dans le bâtiment"}
    assert _answer(staff_client, proposal, **data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.decline_text == "Travaux dans le bâtiment"


def test_host_records_the_arrival(staff_client, case, proposal):
    assert _arrived(staff_client, proposal).status_code == 400  # not accepted yet
    assert _answer(staff_client, proposal, decision="accept").status_code == 302
    proposal.refresh_from_db()
    response = _arrived(staff_client, proposal)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.ARRIVED and proposal.arrived_at is not None
    assert proposal.request.status == RequestStatus.PLACED
    page = staff_client.get(reverse("placement_inbox")).content.decode()
    assert "Arrival recorded." in page and f"accepted-{proposal.pk}" not in page


def test_another_facility_cannot_answer_or_record_arrival(client, other_staff, proposal):
    sign_in(client, other_staff)
    assert _answer(client, proposal, decision="accept").status_code == 404
    assert _arrived(client, proposal).status_code == 404
    page = client.get(reverse("placement_inbox")).content.decode()
    assert f"proposal-{proposal.pk}" not in page
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.PROPOSED


def test_two_proposals_for_the_last_place(staff_client, referent, case, staff):
    facility = make_facility(organisation=staff.actor.organisation, capacity=4, free=1)
    other_case = services.open_case(
        referent.actor,
        {**PERSON, "family_name": "Autre", "given_names": "Awa"},
        first_contact="Appel",
    )
    first = propose_to(case, facility)
    second = propose_to(other_case, facility)
    assert first.status == PlacementStatus.PROPOSED
    second.refresh_from_db()
    assert second.status == PlacementStatus.CANCELLED  # the other is told why
    told = second.transitions.get(to_status=PlacementStatus.CANCELLED).note
    assert "another proposal took it" in told or "une autre proposition" in told
    assert Facility.objects.get(pk=facility.pk).free == 0
    page = staff_client.get(reverse("placement_inbox")).content.decode()
    assert f"proposal-{first.pk}" in page and f"proposal-{second.pk}" not in page
