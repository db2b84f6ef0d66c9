"""The placement lifecycle: requests, proposals in order, holding places, answers, arrival, the
host's participation, cancellations and time to safety."""

import datetime

import pytest
from django.utils import timezone

from parcours.access import rules
from parcours.alerts import inbox
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from parcours.shelter import placement, ranking, zones
from parcours.shelter.models import Placement
from tests import personas
from tests.factories import FacilityFactory
from tests.shelter.conftest import yesterday


@pytest.fixture
def request_(referent, case):
    zones.assess(referent.actor, case, dangers=[], level="medium")  # no place before it
    return placement.create_request(
        referent.actor, case, sex="F", consent_date=yesterday(), languages=["Arabe"]
    )


def _fresh(p):
    p.refresh_from_db()
    return p


def test_bad_requests_are_refused(referent, case):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for kwargs in (
        {"sex": "?", "consent_date": yesterday()},
        {"sex": "F", "consent_date": tomorrow},
        {"sex": "F", "consent_date": yesterday(), "family_size": 0},
        {"sex": "F", "consent_date": yesterday(), "priority": 9},
        {"sex": "F", "consent_date": yesterday(), "min_distance_km": 5000},
    ):
        with pytest.raises(DomainError):
            placement.create_request(referent.actor, case, **kwargs)


def test_only_those_who_manage_safety_ask(participant, outsider, case):
    for persona in (participant, outsider):
        with pytest.raises(NotAllowed):
            placement.create_request(persona.actor, case, sex="F", consent_date=yesterday())


def test_proposals_in_order_hold_places_and_move_on_when_declined(referent, host, request_):
    org = host.actor.organisation
    first = FacilityFactory(organisation=org, name="Premier", free=1)
    second = FacilityFactory(organisation=org, name="Second", departement="29", free=1)
    a, b = placement.propose(referent.actor, request_, [first, second])
    assert (a.status, b.status) == ("proposed", "queued")
    first.refresh_from_db()
    assert first.free == 0  # held
    placement.answer(host.actor, a, accept=False, code="security", expected_version=a.version)
    first.refresh_from_db()
    assert first.free == 1  # given back
    assert _fresh(b).status == "proposed"
    second.refresh_from_db()
    assert second.free == 0
    assert [n.kind for n in inbox.for_actor(referent.actor)] == ["placement_declined"]


def test_acceptance_makes_the_facility_the_host(referent, host, request_):
    facility = FacilityFactory(organisation=host.actor.organisation)
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    case = request_.case
    assert not rules.can_view_case(host.actor, case)  # asked, not yet a participant
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    assert rules.groups_for(host.actor, case) == {"identity", "location", "social"}
    participation = case.participants.get(organisation=host.actor.organisation)
    assert (participation.role, participation.basis) == ("shelter", "consent")


def test_arrival_puts_the_case_in_safety_and_measures_the_time(referent, host, request_):
    facility = FacilityFactory(organisation=host.actor.organisation)
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    case = request_.case
    case.opened_at = timezone.now() - datetime.timedelta(hours=30)
    case.save(update_fields=["opened_at"])
    placement.record_arrival(host.actor, _fresh(proposed))
    case.refresh_from_db()
    assert case.status == "in_safety"
    request_.refresh_from_db()
    assert request_.status == "placed"
    delay = placement.time_to_safety(case)
    assert datetime.timedelta(hours=29) < delay < datetime.timedelta(hours=31)
    assert "placement_arrived" in [n.kind for n in inbox.for_actor(referent.actor)]


def test_a_second_answer_is_refused(referent, host, request_):
    facility = FacilityFactory(organisation=host.actor.organisation)
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    with pytest.raises(StaleVersion):
        placement.answer(
            host.actor,
            proposed,
            accept=False,
            code="other",
            text="x",
            expected_version=proposed.version,
        )


def test_decline_needs_a_code_and_other_needs_text(referent, host, request_):
    facility = FacilityFactory(organisation=host.actor.organisation)
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    for code, text in (("", ""), ("other", "  ")):
        with pytest.raises(DomainError):
            placement.answer(
                host.actor,
                proposed,
                accept=False,
                code=code,
                text=text,
                expected_version=proposed.version,
            )


def test_only_the_facility_asked_answers(referent, request_, host, db):
    facility = FacilityFactory(organisation=host.actor.organisation)
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    other = personas.facility_staff("other-host")
    for persona in (referent, other):
        with pytest.raises(NotAllowed):
            placement.answer(
                persona.actor, proposed, accept=True, expected_version=proposed.version
            )


def test_the_last_place_goes_to_one_proposal_the_other_is_told(referent, host, case, db):
    facility = FacilityFactory(organisation=host.actor.organisation, free=1)
    zones.assess(referent.actor, case, dangers=[], level="medium")
    first = placement.create_request(referent.actor, case, sex="F", consent_date=yesterday())
    placement.propose(referent.actor, first, [facility])
    second = placement.create_request(referent.actor, case, sex="F", consent_date=yesterday())
    (late,) = placement.propose(referent.actor, second, [facility])
    assert late.status == "cancelled"
    told = late.transitions.last().note
    assert "another proposal took it" in told or "une autre proposition" in told
    facility.refresh_from_db()
    assert facility.free == 0


def test_one_proposal_at_a_time_and_cancel_moves_on(referent, host, request_):
    org = host.actor.organisation
    a_fac = FacilityFactory(organisation=org, name="A")
    b_fac = FacilityFactory(organisation=org, name="B", departement="29")
    a, b = placement.propose(referent.actor, request_, [a_fac, b_fac])
    with pytest.raises(DomainError):
        placement.propose(referent.actor, request_, [b_fac])
    placement.cancel(referent.actor, a)
    assert _fresh(b).status == "proposed"
    a_fac.refresh_from_db()
    assert a_fac.free == 2


def test_the_same_facility_twice_is_refused(referent, host, request_):
    facility = FacilityFactory(organisation=host.actor.organisation, name="A")
    with pytest.raises(DomainError):
        placement.propose(referent.actor, request_, [facility, facility])


def test_every_transition_is_logged(referent, host, request_):
    facility = FacilityFactory(organisation=host.actor.organisation, name="A")
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    placement.record_arrival(referent.actor, _fresh(proposed))
    moves = list(Placement.objects.get().transitions.values_list("from_status", "to_status"))
    assert moves == [("queued", "proposed"), ("proposed", "accepted"), ("accepted", "arrived")]


def test_the_host_address_is_shown_to_the_location_group_only(
    client, referent, participant, host, request_
):
    """S2 step 4: the referent's designated member, the host and the coordinator see where the
    person sleeps; the police participant sees the justice information, not the shelter."""
    from django.urls import reverse

    from tests.conftest import sign_in

    facility = FacilityFactory(organisation=host.actor.organisation, name="Maison fictive")
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    case = request_.case
    url = reverse("case_detail", kwargs={"ref": case.ref})
    sign_in(client, referent)  # may reveal the location
    assert facility.address in client.get(url).content.decode()
    client.logout()
    sign_in(client, participant)  # the police unit takes part with identity and justice
    page = client.get(url).content.decode()
    assert facility.address not in page and "Maison fictive" not in page


def test_the_ranking_table_follows_every_change_of_the_network(referent, host, request_):
    """The cached table is rebuilt when places move, a facility opens or closes."""
    from parcours.shelter import network

    facility = FacilityFactory(organisation=host.actor.organisation, name="A", free=1)
    assert network.table() is network.table()  # unchanged network: the same table
    assert {f.pk for f, _r in ranking.ranked(referent.actor, request_)[0]} == {facility.pk}
    network.update_availability(host.actor, facility, 0)
    assert ranking.ranked(referent.actor, request_)[0] == []
    other = FacilityFactory(organisation=host.actor.organisation, name="B", departement="29")
    assert {f.pk for f, _r in ranking.ranked(referent.actor, request_)[0]} == {other.pk}
    other.active = False
    other.save(update_fields=["active"])
    assert ranking.ranked(referent.actor, request_)[0] == []


def test_a_cancelled_acceptance_ends_the_hosts_access(referent, host, request_):
    """Review finding: a facility whose acceptance is cancelled must not go on seeing the case
    (nor learn where the person goes instead)."""
    first = FacilityFactory(organisation=host.actor.organisation)
    (proposed,) = placement.propose(referent.actor, request_, [first])
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    assert rules.can_view_case(host.actor, request_.case)
    placement.cancel(referent.actor, _fresh(proposed))
    assert not rules.can_view_case(host.actor, request_.case)


def test_a_zone_added_while_a_proposal_waits_is_checked_again(referent, host, request_):
    """Review finding: the next facility in line, and an acceptance, meet today's zones."""
    from parcours.shelter import zones
    from parcours.shelter.safety import DangerZoneViolation

    org = host.actor.organisation
    a_fac = FacilityFactory(organisation=org, name="A")
    b_fac = FacilityFactory(organisation=org, name="B", departement="29")
    a, b = placement.propose(referent.actor, request_, [a_fac, b_fac])
    zones.add_zone(referent.actor, request_.case, kind="departement", reason="exploiters",
                   departement="29")  # fmt: skip
    placement.answer(host.actor, a, accept=False, code="security", expected_version=a.version)
    assert _fresh(b).status == "cancelled"  # skipped: now inside a zone
    b_fac.refresh_from_db()
    assert b_fac.free == 2
    again = placement.create_request(
        referent.actor, request_.case, sex="F", consent_date=yesterday()
    )
    (c,) = placement.propose(referent.actor, again, [a_fac])
    zones.add_zone(referent.actor, request_.case, kind="departement", reason="exploiters",
                   departement="35")  # fmt: skip
    with pytest.raises(DangerZoneViolation):
        placement.answer(host.actor, c, accept=True, expected_version=c.version)


def test_a_participant_becoming_host_is_journaled(referent, host, request_):
    """Review finding: widening an existing participation to the location group is written
    to the journal and the timeline like a new one."""
    from parcours.audit.models import JournalEntry
    from tests.conftest import join_case

    join_case(referent, request_.case, host, groups=["social"])
    before = JournalEntry.objects.filter(action="case.participant_add").count()
    facility = FacilityFactory(organisation=host.actor.organisation, name="A")
    (proposed,) = placement.propose(referent.actor, request_, [facility])
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    assert JournalEntry.objects.filter(action="case.participant_add").count() == before + 1
    assert rules.groups_for(host.actor, request_.case) >= {"location", "identity"}


def test_an_availability_update_keeps_the_places_promised(referent, host, request_):
    """Review finding: staff count empty beds; a place promised to a proposal stays taken."""
    from parcours.shelter import network

    facility = FacilityFactory(organisation=host.actor.organisation, name="A", free=1)
    placement.propose(referent.actor, request_, [facility])  # holds the only place
    network.update_availability(host.actor, facility, 1)  # the bed is still empty
    facility.refresh_from_db()
    assert facility.free == 0
    with pytest.raises(DomainError):
        network.update_availability(host.actor, facility, 0)


def test_the_ranked_list_does_not_name_facilities_to_those_without_the_location(
    client, referent, host, request_
):
    from django.urls import reverse

    from tests.conftest import sign_in

    FacilityFactory(organisation=host.actor.organisation, name="Maison secrète")
    colleague = personas.colleague(referent, "no-location")
    url = reverse("placement_request", kwargs={"ref": request_.case.ref, "pk": request_.pk})
    sign_in(client, colleague)
    page = client.get(url).content.decode()
    assert "Maison secrète" not in page and 'data-facility="' in page
    client.logout()
    sign_in(client, referent)
    assert "Maison secrète" in client.get(url).content.decode()
