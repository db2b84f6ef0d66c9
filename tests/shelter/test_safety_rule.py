"""The hard safety rule (issue 5): a placement, a transfer, an appointment place or a place
entered by hand inside a danger zone is refused with the reason; only a coordinator of the case
passes, with a written reason, journaled, on the timeline, and the referent is told."""

import datetime

import pytest
from django.utils import timezone

from parcours.alerts import inbox
from parcours.audit.models import JournalEntry
from parcours.cases import appointments
from parcours.core.errors import NotAllowed
from parcours.shelter import placement, zones
from parcours.shelter.safety import DangerZoneViolation
from tests import personas
from tests.factories import FacilityFactory
from tests.shelter.conftest import yesterday

REASON = "La victime demande à rester près de son enfant hospitalisé ici."


@pytest.fixture
def zoned(referent, case):
    """Gironde, where the person was exploited, is a danger zone; so is a point near Lyon."""
    zones.add_zone(
        referent.actor, case, kind="departement", reason="exploitation", departement="33"
    )
    zones.add_zone(
        referent.actor,
        case,
        kind="point",
        reason="relatives",
        departement="69",
        lat=45.76,
        lon=4.84,
        radius_km=40,
    )
    return case


@pytest.fixture
def request_(referent, zoned):
    return placement.create_request(referent.actor, zoned, sex="F", consent_date=yesterday())


def _overrides():
    return JournalEntry.objects.filter(action="safety.override").count()


def test_a_facility_inside_a_zone_is_refused_with_the_reason(referent, host, request_):
    inside = FacilityFactory(organisation=host.actor.organisation, departement="33")
    with pytest.raises(DangerZoneViolation) as refused:
        placement.propose(referent.actor, request_, [inside])
    assert "Gironde" in refused.value.message
    assert not request_.placements.exists()
    inside.refresh_from_db()
    assert inside.free == 2  # nothing held


def test_a_point_zone_refuses_within_its_radius_only(referent, host, request_):
    villeurbanne = FacilityFactory(
        organisation=host.actor.organisation, departement="69", lat=45.77, lon=4.88
    )
    with pytest.raises(DangerZoneViolation):
        placement.propose(referent.actor, request_, [villeurbanne])
    roanne = FacilityFactory(
        organisation=host.actor.organisation, departement="42", lat=46.04, lon=4.07
    )
    assert placement.propose(referent.actor, request_, [roanne])  # ~66 km away: outside


def test_a_hand_entered_115_proposal_inside_a_zone_is_refused(referent, request_):
    with pytest.raises(DangerZoneViolation):
        placement.propose_by_hand(
            referent.actor, request_, name="Hôtel du 115", departement="33", town="Bordeaux"
        )
    assert not request_.placements.exists()


def test_an_appointment_place_inside_a_zone_is_refused(referent, zoned):
    with pytest.raises(DangerZoneViolation):
        appointments.plan(
            referent.actor,
            zoned,
            at=timezone.now() + datetime.timedelta(days=2),
            purpose="Audition",
            place="Commissariat de Bordeaux",
            departement="33",
        )
    assert not zoned.appointments.exists()
    appointments.plan(
        referent.actor,
        zoned,
        at=timezone.now() + datetime.timedelta(days=2),
        purpose="Audition",
        place="Commissariat de Rennes",
        departement="35",
    )


def test_a_transfer_inside_a_zone_is_refused(referent, host, request_):
    """A transfer is a new proposal for a person already placed: the same rule applies."""
    rennes = FacilityFactory(organisation=host.actor.organisation, departement="35")
    (first,) = placement.propose(referent.actor, request_, [rennes])
    first.refresh_from_db()
    placement.answer(host.actor, first, accept=True, expected_version=first.version)
    first.refresh_from_db()
    placement.record_arrival(host.actor, first)
    transfer = placement.create_request(
        referent.actor, request_.case, sex="F", consent_date=yesterday()
    )
    bordeaux = FacilityFactory(organisation=host.actor.organisation, departement="33")
    with pytest.raises(DangerZoneViolation):
        placement.propose(referent.actor, transfer, [bordeaux])


def test_the_referent_cannot_override_even_with_a_reason(referent, request_):
    with pytest.raises(DangerZoneViolation):
        placement.propose_by_hand(
            referent.actor,
            request_,
            name="Hôtel du 115",
            departement="33",
            override_reason=REASON,
        )
    assert _overrides() == 0


def test_a_coordinator_overrides_with_a_written_reason(referent, territorial_coordinator, request_):
    coordinator = territorial_coordinator
    with pytest.raises(DangerZoneViolation):  # no reason, no override
        placement.propose_by_hand(coordinator.actor, request_, name="Hôtel", departement="33")
    proposed = placement.propose_by_hand(
        coordinator.actor, request_, name="Hôtel", departement="33", override_reason=REASON
    )
    assert proposed.override_reason == REASON and proposed.overridden_by == coordinator.user
    assert _overrides() == 1
    event = request_.case.events.get(kind="safety_override")
    assert event.summary == REASON and event.group == "safety"
    assert [n.kind for n in inbox.for_actor(referent.actor)] == ["safety_override"]


def test_a_coordinator_overrides_an_appointment(referent, territorial_coordinator, zoned):
    appointments.plan(
        territorial_coordinator.actor,
        zoned,
        at=timezone.now() + datetime.timedelta(days=1),
        purpose="Audience au tribunal",
        departement="33",
        override_reason=REASON,
    )
    assert _overrides() == 1


def test_a_coordinator_of_another_territory_cannot_override(request_, db):
    elsewhere = personas.territorial("coord-69", dep="69")
    with pytest.raises(NotAllowed):
        placement.propose_by_hand(
            elsewhere.actor, request_, name="Hôtel", departement="33", override_reason=REASON
        )
