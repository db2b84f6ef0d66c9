"""Scenario S2: Salma escapes domestic servitude in Grasse (Alpes-Maritimes). Her zones: the
town, its département, and the Rhône where the exploiters' relatives live. The SIAO's place in
the same town is blocked; the ranked list holds only places outside every zone and at least the
configured distance from each, that accept a single woman."""

import pytest
from django.test import override_settings

from parcours.core.geography import great_circle_km
from parcours.shelter import placement, zones
from parcours.shelter.safety import DangerZoneViolation
from tests.conftest import make_persona
from tests.shelter.conftest import build_facility, yesterday

GRASSE = (43.6589, 6.9237)


@pytest.fixture
def salma(db):
    """The association of Grasse is referent; its caseworker sees safety and location."""
    lea = make_persona("lea-06", dep="06", may_reveal_location=True)
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
    org = make_persona("acse", kind="shelter_facility", role="facility_staff").actor.organisation
    return {
        "grasse": build_facility(org, "Foyer de Grasse", "06", lat=GRASSE[0], lon=GRASSE[1]),
        "nice": build_facility(org, "Centre de Nice", "06"),
        "lyon": build_facility(org, "CHRS de Lyon", "69"),
        "toulon": build_facility(org, "CHRS de Toulon", "83"),  # ~100 km from Grasse
        "marseille": build_facility(org, "Accueil de Marseille", "13"),  # ~140 km
        "montpellier": build_facility(org, "Partenaire de Montpellier", "34"),  # ~270 km
        "rennes": build_facility(org, "Partenaire de Rennes", "35", kind="acse_partner"),
        "toulouse_men": build_facility(
            org, "Foyer d'hommes de Toulouse", "31", accepts_women=False
        ),
        "nantes_full": build_facility(org, "Nantes (complet)", "44", free=0),
        "clermont": build_facility(org, "Clermont", "63"),  # ~130 km from the Rhône's point
    }


def _zone_points(case):
    return [placement.needs_of(r) for r in case.placement_requests.all()][0].zones


def test_the_ranked_list_is_outside_every_zone_and_far_enough(salma, network):
    lea, case = salma
    request = placement.create_request(lea.actor, case, sex="F", consent_date=yesterday())
    pairs, why = placement.ranked(lea.actor, request)
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
    names = {f.name for f, _r in placement.ranked(lea.actor, request)[0]}
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
    host = make_persona(
        "acse-staff",
        organisation=network["rennes"].organisation,
        role="facility_staff",
        may_reveal_location=True,
    )
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    assert great_circle_km(*GRASSE, network["rennes"].lat, network["rennes"].lon) > 400


def test_contradictory_constraints_say_why(salma, network):
    lea, case = salma
    request = placement.create_request(
        lea.actor, case, sex="F", consent_date=yesterday(), security_level=3
    )
    pairs, why = placement.ranked(lea.actor, request)
    assert pairs == [] and why[0] == "contradictory" and "security_level" in why
