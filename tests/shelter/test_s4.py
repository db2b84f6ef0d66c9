"""Scenario S4: twelve men held in forced labour on a farm in Lot-et-Garonne need shelter
tonight, away from the farm's region. The territorial coordinator runs a batch allocation of the
twelve requests against national availability: as many placed as the availability allows, most
urgent first, each man's constraints kept, and each man left out told why."""

import html
import re
from functools import partial

import pytest
from django.urls import reverse

from parcours.cases import services
from parcours.core.geography import great_circle_km
from parcours.shelter import batch, network, placement, ranking, zones
from parcours.shelter.matching import FacilityTable, Request, exact_milp
from parcours.shelter.models import Placement
from tests import personas
from tests.conftest import sign_in
from tests.factories import FacilityFactory
from tests.shelter.conftest import yesterday

AGEN = (44.2033, 0.6163)


@pytest.fixture
def farm(db):
    """Twelve cases opened by the labour inspectorate's partner association in Agen; the
    département of the farm is a danger zone."""
    association = personas.make_persona("asso-47", dep="47")
    coordinator = personas.territorial("coord-47", dep="47")
    requests = []
    for n in range(12):
        case = services.open_case(
            association.actor,
            {"given_names": f"Ouvrier {n + 1}", "family_name": "Fictif", "sex": "M"},
            intake_token=None,
            first_contact="Contrôle de l'inspection du travail (fictif).",
        )
        zones.add_zone(
            association.actor, case, kind="departement", reason="exploitation", departement="47"
        )
        zones.add_zone(
            association.actor,
            case,
            kind="point",
            reason="exploitation",
            lat=AGEN[0],
            lon=AGEN[1],
            radius_km=10,
        )
        requests.append(
            placement.create_request(
                association.actor,
                case,
                sex="M",
                consent_date=yesterday(),
                priority=3 if n < 4 else 2,  # four were threatened directly
                languages=["roumain"] if n % 2 else [],
                operation="Ferme 47",
            )
        )
    return association, coordinator, requests


@pytest.fixture
def availability(db):
    staff = personas.facility_staff("net")
    place = partial(FacilityFactory, organisation=staff.actor.organisation)
    return [
        place(name="Bordeaux (trop près)", departement="33", free=5),  # ~120 km from Agen
        place(name="Rennes", departement="35", free=3, languages=["roumain"]),
        place(name="Lille", departement="59", free=2),
        place(name="Strasbourg", departement="67", free=2),
        place(name="Femmes seules, Lyon", departement="69", free=4, women_only=True),
        place(name="Nancy (ancien)", departement="54", free=1),
    ]


def test_the_coordinator_places_as_many_as_availability_allows(farm, availability):
    association, coordinator, requests = farm
    waiting = batch.pending_requests(coordinator.actor, "Ferme 47")
    assert len(waiting) == 12
    lines, result = batch.compute(coordinator.actor, waiting)
    placed = [line for line in lines if line.facility is not None]
    # 3 + 2 + 2 + 1 places for men far enough: eight men placed, four told why.
    assert len(placed) == 8
    reference = exact_milp(
        [Request(id=r.pk, needs=ranking.needs_of(r), priority=r.priority) for r in waiting],
        FacilityTable.from_rows(network.rows()),
    )
    assert result.placed_weight == reference.placed_weight
    # The four most urgent are all placed; no one is sent near the farm.
    urgent = {r.pk for r in requests if r.priority == 3}
    assert urgent <= {line.request.pk for line in placed}
    for line in placed:
        assert line.facility.departement != "47"
        assert great_circle_km(*AGEN, line.facility.lat, line.facility.lon) >= 150
        assert line.facility.accepts_men
    left_out = [line for line in lines if line.facility is None]
    assert all(line.reason for line in left_out)


def test_applying_proposes_each_place_without_double_booking(farm, availability):
    _association, coordinator, _requests = farm
    waiting = batch.pending_requests(coordinator.actor)
    shown, _result = batch.compute(coordinator.actor, waiting)
    lines, applied = batch.apply(coordinator.actor, waiting, shown_plan=batch.plan_of(shown))
    assert applied
    assert sum(1 for line in lines if line.outcome == "proposed") == 8
    assert Placement.objects.filter(status="proposed").count() == 8
    for facility in availability:
        facility.refresh_from_db()
        assert facility.free >= 0
    assert (
        batch.pending_requests(coordinator.actor)
        == [line.request for line in lines if line.facility is None]
        or len(batch.pending_requests(coordinator.actor)) == 4
    )


def test_the_page_shows_the_allocation(client, farm, availability):
    _association, coordinator, _requests = farm
    sign_in(client, coordinator)
    page = client.post(reverse("batch_allocation"), {"action": "compute"}).content.decode()
    counted = page.split('data-testid="placed-count">')[1].split("</p>")[0]
    assert "8" in counted and "12" in counted
    assert "Bordeaux (trop près)" not in page


def test_only_coordinators_allocate(client, farm):
    association, _coordinator, _requests = farm
    sign_in(client, association)
    assert client.get(reverse("batch_allocation")).status_code == 404


def test_nothing_is_proposed_when_the_result_changed_since_it_was_shown(farm, availability):
    _association, coordinator, _requests = farm
    waiting = batch.pending_requests(coordinator.actor)
    shown, _result = batch.compute(coordinator.actor, waiting)
    rennes = next(f for f in availability if f.name == "Rennes")
    rennes.free = 0  # another proposal took Rennes meanwhile
    rennes.version += 1
    rennes.save(update_fields=["free", "version"])
    lines, applied = batch.apply(coordinator.actor, waiting, shown_plan=batch.plan_of(shown))
    assert not applied
    assert not Placement.objects.exists()
    assert sum(1 for line in lines if line.facility) == 5  # the new result, to be checked


def test_after_proposing_the_page_says_what_was_done_in_words(client, farm, availability):
    """The outcome of each line is its label ("Proposé"), not the code "proposed"; the count of
    requests waiting no longer counts those just proposed."""
    _association, coordinator, _requests = farm
    sign_in(client, coordinator)
    computed = client.post(reverse("batch_allocation"), {"action": "compute"}).content.decode()
    waiting_before = re.search(r'data-testid="waiting-count">(\d+)', computed).group(1)
    plan = re.search(r'name="plan" value="([^"]*)"', computed).group(1)
    applied = client.post(
        reverse("batch_allocation"), {"action": "apply", "plan": html.unescape(plan)}
    ).content.decode()
    outcomes = re.findall(r'data-testid="outcome">([^<]*)<', applied)
    assert outcomes and "proposed" not in outcomes and "queued" not in outcomes
    assert set(outcomes) <= {"En attente de réponse", "En file d’attente", "—"}, outcomes
    waiting_after = re.search(r'data-testid="waiting-count">(\d+)', applied).group(1)
    assert int(waiting_after) < int(waiting_before)
