"""Danger zones are geometry (issue 9): the coordinates of a place decide which département it
is in, on every path (a place entered by hand, a network facility, an appointment), whatever
number is typed or stored beside them. A case whose safety nobody assessed is neither ranked
nor placed. The timeline's event data names no place."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import appointments
from parcours.core import geography
from parcours.core.errors import DomainError
from parcours.shelter import batch, network, placement, ranking, zones
from parcours.shelter.models import Placement
from parcours.shelter.safety import DangerZoneViolation, PlaceMismatch
from tests import personas
from tests.conftest import sign_in
from tests.factories import FacilityFactory
from tests.shelter.conftest import yesterday

# Real towns (public coordinates, rounded).
NICE = (43.7102, 7.2620)  # Alpes-Maritimes (06)
CANNES = (43.5528, 7.0174)  # Alpes-Maritimes, 15 km from the Var
ANTIBES = (43.5808, 7.1251)  # Alpes-Maritimes
TOULON = (43.1242, 5.9280)  # Var (83)
RENNES = (48.1173, -1.6778)  # Ille-et-Vilaine (35)


@pytest.fixture
def zoned(referent, case):
    """The person was exploited in the Alpes-Maritimes: the whole département is a zone."""
    zones.assess(referent.actor, case, dangers=["threats_to_person"], level="high")
    zones.add_zone(
        referent.actor, case, kind="departement", reason="exploitation", departement="06"
    )
    return case


@pytest.fixture
def request_(territorial, zoned):
    """A request that keeps no distance beyond the zone itself (only a coordinator of the case
    may set less than ``SAFE_DISTANCE_KM``): the Var, next door, is acceptable."""
    return placement.create_request(
        territorial.actor, zoned, sex="F", consent_date=yesterday(), min_distance_km=0
    )


def _in_two_days():
    return timezone.now() + datetime.timedelta(days=2)


# --- the shapes -------------------------------------------------------------------------------


def test_every_prefecture_lies_in_its_own_departement():
    for code, row in geography.departement_rows().items():
        assert geography.departement_at(row.lat, row.lon) == code, code


@pytest.mark.parametrize(
    ("point", "code"),
    [(NICE, "06"), (TOULON, "83"), (RENNES, "35"), ((41.9192, 8.7386), "2A"),
     ((42.6977, 9.4508), "2B"), ((14.6161, -61.0588), "972"), ((4.9224, -52.3135), "973"),
     ((-20.8789, 55.4481), "974")],
)  # fmt: skip
def test_towns_are_found_in_their_departement(point, code):
    assert geography.departement_at(*point) == code
    assert code in geography.departements_near(*point)


def test_a_point_abroad_is_in_no_departement():
    assert geography.departement_at(40.4168, -3.7038) is None  # Madrid
    assert geography.departements_near(40.4168, -3.7038) == frozenset()


def test_a_point_near_a_boundary_is_near_both_departements():
    assert geography.departement_at(*CANNES) == "06"
    assert geography.departements_near(*CANNES) == {"06", "83"}


def test_the_shapes_file_stays_small():
    assert geography.SHAPES.stat().st_size < 300_000


# --- a place entered by hand ------------------------------------------------------------------


def test_a_hand_entered_place_in_a_zone_typed_with_the_neighbours_number_is_refused(
    referent, request_
):
    """Cannes is in the Alpes-Maritimes; typed "83" (the Var, next door), it was accepted."""
    with pytest.raises(DangerZoneViolation) as refused:
        placement.propose_by_hand(
            referent.actor,
            request_,
            name="Hôtel du 115",
            departement="83",
            lat=CANNES[0],
            lon=CANNES[1],
        )
    assert "Alpes-Maritimes" in refused.value.message
    assert not request_.placements.exists()


def test_a_typed_departement_that_disagrees_with_the_point_is_refused(referent, request_):
    with pytest.raises(PlaceMismatch) as refused:
        placement.propose_by_hand(
            referent.actor, request_, name="Hôtel", departement="83", lat=NICE[0], lon=NICE[1]
        )
    assert "Alpes-Maritimes" in refused.value.message and "Var" in refused.value.message
    assert not request_.placements.exists()


def test_the_point_gives_the_departement_of_a_place_entered_by_hand(referent, request_):
    proposed = placement.propose_by_hand(
        referent.actor, request_, name="Hôtel", departement="", lat=RENNES[0], lon=RENNES[1]
    )
    assert proposed.manual_place["departement"] == "35"


def test_a_point_at_the_edge_of_a_zone_is_refused(referent, request_):
    """Saint-Raphaël (Var) is less than the boundaries' accuracy from the Alpes-Maritimes."""
    with pytest.raises(DangerZoneViolation) as refused:
        placement.propose_by_hand(
            referent.actor, request_, name="Hôtel", departement="83", lat=43.4253, lon=6.7684
        )
    assert "Alpes-Maritimes" in refused.value.message


def test_the_refusal_is_in_the_users_language(client, referent, request_):
    """Through the page the place is typed as a commune: Nice, whose point is in the zone."""
    sign_in(client, referent)
    url = reverse("placement_by_hand", kwargs={"ref": request_.case.ref, "pk": request_.pk})
    answer = client.post(url, {"name": "Hôtel", "commune": "Nice"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Refusé" in page and "Alpes-Maritimes" in page
    assert not request_.placements.exists()


# --- a network facility -----------------------------------------------------------------------


def test_a_facility_is_judged_by_its_coordinates_not_its_stored_departement(
    referent, host, request_
):
    """A facility in Nice whose record says "83" is in the Alpes-Maritimes: neither ranked nor
    proposed."""
    network.forget_table()
    mislabelled = FacilityFactory(
        organisation=host.actor.organisation, departement="83", lat=NICE[0], lon=NICE[1]
    )
    toulon = FacilityFactory(organisation=host.actor.organisation, departement="83")
    ranked = {f.pk for f, _r in ranking.ranked(referent.actor, request_)[0]}
    assert toulon.pk in ranked and mislabelled.pk not in ranked
    with pytest.raises(DangerZoneViolation) as refused:
        placement.propose(referent.actor, request_, [mislabelled])
    assert "Alpes-Maritimes" in refused.value.message
    mislabelled.refresh_from_db()
    assert mislabelled.free == 2  # nothing held


# --- an appointment ---------------------------------------------------------------------------


def _plan(referent, case, **where):
    """An appointment for an audition, at the place ``where`` says (département, point)."""
    return appointments.plan(
        referent.actor, case, at=_in_two_days(), purpose="Audition", place="Commissariat", **where
    )


def test_an_appointment_in_a_zone_typed_with_the_neighbours_number_is_refused(referent, zoned):
    with pytest.raises(DangerZoneViolation):
        _plan(referent, zoned, departement="83", lat=CANNES[0], lon=CANNES[1])
    assert not zoned.appointments.exists()


def test_an_appointment_given_by_its_point_only_is_checked(referent, zoned):
    with pytest.raises(DangerZoneViolation):
        _plan(referent, zoned, lat=ANTIBES[0], lon=ANTIBES[1])
    planned = _plan(referent, zoned, lat=RENNES[0], lon=RENNES[1])
    assert planned.where["departement"] == "35"


def test_an_appointment_whose_departement_disagrees_with_its_point_is_refused(referent, zoned):
    with pytest.raises(PlaceMismatch):
        _plan(referent, zoned, departement="35", lat=NICE[0], lon=NICE[1])
    assert not zoned.appointments.exists()


def test_the_appointment_form_sends_the_point_and_the_point_decides(client, referent, zoned):
    """Through the page, as a caseworker types it: the commune, whose point decides (Cannes is
    in the zone, an unknown commune is refused, Rennes is accepted in the Ille-et-Vilaine)."""
    sign_in(client, referent)
    url = reverse("case_appointment_add", kwargs={"ref": zoned.ref})
    at = timezone.localtime(_in_two_days()).strftime("%Y-%m-%dT%H:%M")
    typed = {"at": at, "purpose": "Audition", "place": "Commissariat"}
    refused = client.post(url, {**typed, "commune": "Cannes"})
    assert refused.status_code == 400
    assert "Alpes-Maritimes" in refused.content.decode()
    assert not zoned.appointments.exists()
    unknown = client.post(url, {**typed, "commune": "Nulle-Part-sur-Mer"})
    assert unknown.status_code == 400 and not zoned.appointments.exists()
    accepted = client.post(url, {**typed, "commune": "35000"})
    assert accepted.status_code == 302
    where = zoned.appointments.get().where
    assert where["departement"] == "35"
    assert geography.great_circle_km(where["lat"], where["lon"], *RENNES) < 5


# --- zones ------------------------------------------------------------------------------------


def test_a_town_zone_typed_in_the_wrong_departement_is_refused(referent, case):
    with pytest.raises(PlaceMismatch):
        zones.add_zone(
            referent.actor,
            case,
            kind="town",
            reason="exploitation",
            town="Nice",
            departement="83",
            lat=NICE[0],
            lon=NICE[1],
        )
    assert not case.danger_zones.exists()


def test_a_point_zone_abroad_is_accepted(referent, case):
    zone = zones.add_zone(
        referent.actor, case, kind="point", reason="relatives", lat=44.4268, lon=26.1025
    )  # Bucharest, where the exploiters' relatives live
    assert zone.where["departement"] == ""


# --- a case whose safety is not assessed ------------------------------------------------------


def test_a_case_without_safety_assessment_is_not_ranked(client, referent, host, case):
    FacilityFactory(organisation=host.actor.organisation)
    request = placement.create_request(referent.actor, case, sex="F", consent_date=yesterday())
    with pytest.raises(placement.SafetyNotAssessed):
        ranking.ranked(referent.actor, request)
    sign_in(client, referent)
    url = reverse("placement_request", kwargs={"ref": case.ref, "pk": request.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="needs-assessment"' in page
    assert 'data-testid="ranked"' not in page and 'data-facility="' not in page
    assert reverse("case_risk", kwargs={"ref": case.ref}) in page


def test_a_case_without_safety_assessment_is_not_placed(client, referent, host, case):
    facility = FacilityFactory(organisation=host.actor.organisation)
    request = placement.create_request(referent.actor, case, sex="F", consent_date=yesterday())
    with pytest.raises(placement.SafetyNotAssessed):
        placement.propose(referent.actor, request, [facility])
    with pytest.raises(placement.SafetyNotAssessed):
        placement.propose_by_hand(referent.actor, request, name="Hôtel", departement="35")
    sign_in(client, referent)
    kwargs = {"ref": case.ref, "pk": request.pk}
    answer = client.post(reverse("placement_propose", kwargs=kwargs), {"facilities": facility.pk})
    assert answer.status_code == 400
    answer = client.post(
        reverse("placement_by_hand", kwargs=kwargs), {"name": "Hôtel", "departement": "35"}
    )
    assert answer.status_code == 400
    assert not Placement.objects.filter(case=case).exists()
    facility.refresh_from_db()
    assert facility.free == 2


def test_once_assessed_the_places_are_ranked_and_no_zone_is_said(client, referent, host, case):
    facility = FacilityFactory(organisation=host.actor.organisation)
    request = placement.create_request(referent.actor, case, sex="F", consent_date=yesterday())
    zones.assess(referent.actor, case, dangers=[], level="low")
    sign_in(client, referent)
    url = reverse("placement_request", kwargs={"ref": case.ref, "pk": request.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="needs-assessment"' not in page
    assert 'data-testid="no-zone"' in page and f'data-facility="{facility.pk}"' in page


def test_batch_allocation_places_no_case_whose_safety_is_not_assessed(db):
    from parcours.cases import services

    association = personas.make_persona("asso-47", dep="47")
    coordinator = personas.territorial("coord-47", dep="47")
    case = services.open_case(
        association.actor,
        {"given_names": "Ouvrier", "family_name": "Fictif", "sex": "M"},
        intake_token=None,
        first_contact="Contrôle de l'inspection du travail (fictif).",
    )
    placement.create_request(association.actor, case, sex="M", consent_date=yesterday())
    FacilityFactory(organisation=personas.facility_staff("net").actor.organisation, free=3)
    network.forget_table()
    waiting = batch.pending_requests(coordinator.actor)
    lines, _result = batch.compute(coordinator.actor, waiting)
    batch.apply(coordinator.actor, waiting, shown_plan=batch.plan_of(lines))
    assert not Placement.objects.filter(case=case).exclude(status="cancelled").exists()


# --- event data -------------------------------------------------------------------------------


def test_the_arrival_event_holds_ids_not_the_place(referent, host, request_):
    facility = FacilityFactory(
        organisation=host.actor.organisation, name="Maison de la rue Secrète"
    )
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    proposed.refresh_from_db()
    placement.record_arrival(host.actor, proposed)
    event = request_.case.events.get(kind="placement")
    assert event.data == {"step": "arrived", "placement": proposed.pk}
    assert "Secrète" not in json.dumps(event.data, ensure_ascii=False)


def test_the_arrival_in_a_place_by_hand_holds_no_name(referent, request_):
    by_hand = placement.propose_by_hand(
        referent.actor, request_, name="Hôtel Bellevue", departement="35", town="Rennes"
    )
    placement.record_arrival(referent.actor, by_hand)
    event = request_.case.events.get(kind="placement")
    assert "Bellevue" not in json.dumps(event.data) and "Rennes" not in json.dumps(event.data)
    assert event.data["placement"] == by_hand.pk


def test_an_unknown_departement_is_still_refused(referent, request_):
    with pytest.raises(DomainError):
        placement.propose_by_hand(referent.actor, request_, name="Hôtel", departement="00")
