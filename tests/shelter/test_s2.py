"""Scenario S2: Salma escapes domestic servitude in Grasse (Alpes-Maritimes). Her zones: the
town, its département, and the Rhône where the exploiters' relatives live. The SIAO's place in
the same town is blocked; the ranked list holds only places outside every zone and at least the
configured distance from each, that accept a single woman."""

from functools import partial

import pytest
from django.test import override_settings

from parcours.core.geography import great_circle_km
from parcours.shelter import placement, ranking, zones
from parcours.shelter.safety import DangerZoneViolation
from tests import personas
from tests.factories import FacilityFactory
from tests.shelter.conftest import yesterday

GRASSE = (43.6589, 6.9237)


@pytest.fixture
def salma(db):
    """The association of Grasse is referent; its caseworker sees safety and location."""
    lea = personas.referent("lea-06", dep="06")
    from parcours.cases import services

    case = services.open_case(
        lea.actor,
        {"given_names": "Salma", "family_name": "Fictive", "sex": "F"},
        intake_token=None,
        first_contact="Accueillie après avoir quitté la famille (fictif).",
    )
    zones.add_zone(
        lea.actor,
        case,
        kind="town",
        reason="exploitation",
        departement="06",
        town="Grasse",
        lat=GRASSE[0],
        lon=GRASSE[1],
        radius_km=20,
    )
    zones.add_zone(lea.actor, case, kind="departement", reason="exploitation", departement="06")
    zones.add_zone(lea.actor, case, kind="departement", reason="relatives", departement="69")
    return lea, case


@pytest.fixture
def network(db):
    staff = personas.facility_staff("acse")
    place = partial(FacilityFactory, organisation=staff.actor.organisation)
    return {
        "grasse": place(name="Foyer de Grasse", departement="06", lat=GRASSE[0], lon=GRASSE[1]),
        "nice": place(name="Centre de Nice", departement="06"),
        "lyon": place(name="CHRS de Lyon", departement="69"),
        "toulon": place(name="CHRS de Toulon", departement="83"),  # ~100 km from Grasse
        "marseille": place(name="Accueil de Marseille", departement="13"),  # ~140 km
        "montpellier": place(name="Partenaire de Montpellier", departement="34"),  # ~270 km
        "rennes": place(name="Partenaire de Rennes", departement="35", acse=True),
        "toulouse_men": place(name="Foyer d'hommes de Toulouse", departement="31", men_only=True),
        "nantes_full": place(name="Nantes (complet)", departement="44", full=True),
        "clermont": place(name="Clermont", departement="63"),  # ~130 km from the Rhône's point
    }


def _zone_points(case):
    return [ranking.needs_of(r) for r in case.placement_requests.all()][0].zones


def test_the_ranked_list_is_outside_every_zone_and_far_enough(salma, network):
    lea, case = salma
    request = placement.create_request(lea.actor, case, sex="F", consent_date=yesterday())
    pairs, why = ranking.ranked(lea.actor, request)
    names = {facility.name for facility, _r in pairs}
    assert names == {"Partenaire de Montpellier", "Partenaire de Rennes"}, names
    assert why == []
    for facility, ranked in pairs:
        assert facility.departement not in ("06", "69")
        for zone in _zone_points(case):
            distance = great_circle_km(facility.lat, facility.lon, zone.lat, zone.lon)
            assert distance - zone.radius_km >= 150
        assert ranked.nearest_zone_km >= 150


@override_settings(SAFE_DISTANCE_KM=100)
def test_the_distance_is_configurable(salma, network):
    lea, case = salma
    request = placement.create_request(lea.actor, case, sex="F", consent_date=yesterday())
    names = {f.name for f, _r in ranking.ranked(lea.actor, request)[0]}
    assert "Accueil de Marseille" in names and "Foyer de Grasse" not in names


def test_the_siao_place_in_the_same_town_is_blocked_and_the_partner_accepts(salma, network):
    lea, case = salma
    request = placement.create_request(lea.actor, case, sex="F", consent_date=yesterday())
    with pytest.raises(DangerZoneViolation) as refused:
        placement.propose_by_hand(
            lea.actor, request, name="Place d'urgence du SIAO", departement="06", town="Grasse"
        )
    assert "Alpes-Maritimes" in refused.value.message
    (proposed,) = placement.propose(lea.actor, request, [network["rennes"]])
    host = personas.facility_staff(
        "acse-staff", organisation=network["rennes"].organisation, may_reveal_location=True
    )
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    assert great_circle_km(*GRASSE, network["rennes"].lat, network["rennes"].lon) > 400


def test_contradictory_constraints_say_why(salma, network):
    lea, case = salma
    request = placement.create_request(
        lea.actor, case, sex="F", consent_date=yesterday(), security_level=3
    )
    pairs, why = ranking.ranked(lea.actor, request)
    assert pairs == [] and why[0] == "contradictory" and "security_level" in why
