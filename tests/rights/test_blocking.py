"""Blocked pathways (issue 12, item 4, the finding): the requests of a case whose stated
requirements wait on each other form a cycle, found, with the legal way out. S1's circle
(housing -> contract -> health cover -> address -> housing) through the directory's stated
requirements and one the caseworker records; then a different circle, with other services,
names, towns and dates: the verdicts follow from the catalogue and the facts only."""

import datetime

import pytest

from parcours.cases import services as cases
from parcours.rights import services
from parcours.rights.blocking import Edge, blocked, find_cycles
from parcours.rights.catalogue import catalogue
from parcours.rights.facts import Facts
from tests.rights.builders import answer_no, ask, hostel_circle


@pytest.fixture
def adam(referent):
    return cases.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Adam"})


def test_s1s_circle_is_found_and_domiciliation_is_the_way_out(referent, adam):
    hostel_circle(referent, adam)  # the hostel says so only in this case
    (cycle,) = services.blocked_for(adam)
    assert set(cycle.kinds) == {"social_support", "insertion", "health_insurance"}
    assert {(e.need, e.requirement) for e in cycle.edges} == {
        ("social_support", "employment_contract"),
        ("insertion", "health_cover"),
        ("health_insurance", "address"),
    }
    assert "domiciliation" in {offer.service_kind for offer in cycle.ways_out}


def test_a_requirement_known_to_be_met_breaks_the_circle(referent, adam):
    hostel_circle(referent, adam)
    services.record_fact(referent.actor, adam, "has_address", True)  # domiciliated
    assert services.blocked_for(adam) == []


def test_another_circle_elsewhere_gets_its_own_cycle_and_way_out(referent):
    """A woman in Lyon: the CHRS asks for a residence receipt, the prefecture asks for an
    address, and the address would be the CHRS's."""
    case = cases.open_case(referent.actor, {"family_name": "Exemple", "given_names": "Oksana"})
    ask(referent, case, "shelter", ["residence_permit"], dep="69")
    ask(referent, case, "residence_permit", ["address"], dep="69")
    services.record_fact(referent.actor, case, "stay_status", "none")
    services.record_fact(referent.actor, case, "has_address", False)
    (cycle,) = services.blocked_for(case)
    assert {(e.need, e.requirement, e.provider) for e in cycle.edges} == {
        ("shelter", "residence_permit", "residence_permit"),
        ("residence_permit", "address", "shelter"),
    }
    offers = {(offer.requirement, offer.service_kind) for offer in cycle.ways_out}
    assert ("address", "domiciliation") in offers


def test_no_cycle_without_a_way_back():
    rights = catalogue()
    needs = {"insertion": {"health_cover"}, "health_insurance": {"address"}}
    assert blocked(needs, rights, Facts({"has_address": False, "has_health_cover": False})) == []


def test_two_cycles_are_both_found():
    edges = [
        Edge("a", "x", "b"),
        Edge("b", "x", "a"),
        Edge("c", "x", "d"),
        Edge("d", "x", "c"),
    ]
    cycles = find_cycles(edges)
    assert sorted(sorted(e.need for e in cycle) for cycle in cycles) == [["a", "b"], ["c", "d"]]


def test_an_unknown_requirement_is_refused(referent, adam):
    from parcours.core.errors import DomainError

    hostel = ask(referent, adam, "social_support")
    with pytest.raises(DomainError):
        services.record_stated_requirement(referent.actor, hostel, "a_good_reason")


def test_requests_waiting_on_a_refused_one_are_a_chain_with_its_way_out(referent, adam):
    """A women's shelter in Lille asks for a training contract; the mission locale asks for
    health cover; the health insurance refused: both wait on it."""
    ask(referent, adam, "shelter", ["employment_contract"], dep="59")
    ask(referent, adam, "insertion", ["health_cover"], dep="59")
    stuck = ask(referent, adam, "health_insurance", ["identity_document"], dep="59")
    services.record_fact(referent.actor, adam, "has_employment_contract", False)
    services.record_fact(referent.actor, adam, "has_health_cover", False)
    assert services.waiting_for(adam) == []  # the health insurance has not answered yet
    answer_no(stuck, "incomplete_file")
    (chain,) = services.waiting_for(adam)
    assert chain.kinds == ["shelter", "insertion", "health_insurance"]
    assert chain.why == "refused"
    assert [e.requirement for e in chain.edges] == ["employment_contract", "health_cover"]
    assert "health_access_pass" in {offer.service_kind for offer in chain.ways_out}
    assert services.blocked_for(adam) == []  # a chain, not a circle


def test_a_request_unanswered_past_its_delay_stops_the_chain(referent, adam):
    from parcours.referrals.deadlines import due_at

    ask(referent, adam, "insertion", ["health_cover"])
    fund = ask(referent, adam, "health_insurance")
    services.record_fact(referent.actor, adam, "has_health_cover", False)
    due = due_at(fund)
    assert services.waiting_for(adam, now=due) == []
    (chain,) = services.waiting_for(adam, now=due + datetime.timedelta(hours=1))
    assert (chain.kinds, chain.why) == (["insertion", "health_insurance"], "overdue")
    assert "health_access_pass" in {offer.service_kind for offer in chain.ways_out}


def test_a_circle_is_not_also_a_chain(referent, adam):
    _hostel, fund = hostel_circle(referent, adam)
    answer_no(fund, "incomplete_file")
    assert len(services.blocked_for(adam)) == 1
    assert services.waiting_for(adam) == []


def test_a_stated_requirement_can_be_taken_back_and_not_recorded_twice(referent, adam):
    from parcours.core.errors import DomainError

    hostel = ask(referent, adam, "social_support", ["address"])
    with pytest.raises(DomainError):  # the directory already says it
        services.record_stated_requirement(referent.actor, hostel, "address")
    services.record_stated_requirement(referent.actor, hostel, "employment_contract")
    services.record_stated_requirement(referent.actor, hostel, "employment_contract")  # a retry
    assert [r["code"] for r in services.requirements_of(hostel)] == [
        "address",
        "employment_contract",
    ]
    services.remove_stated_requirement(referent.actor, hostel, "employment_contract")
    assert [r["code"] for r in services.requirements_of(hostel)] == ["address"]
    with pytest.raises(DomainError):
        services.remove_stated_requirement(referent.actor, hostel, "employment_contract")


def test_a_stuck_request_is_no_chain_while_another_could_still_give_the_same(referent, adam):
    """The fund asks for an address: the 115 refused, but the domiciliation asked yesterday
    may still give it."""
    ask(referent, adam, "health_insurance", ["address"])
    shelter_call = ask(referent, adam, "emergency_housing_115")
    domiciliation = ask(referent, adam, "domiciliation")
    services.record_fact(referent.actor, adam, "has_address", False)
    answer_no(shelter_call, "no_place")
    assert services.waiting_for(adam) == []
    answer_no(domiciliation, "out_of_territory")
    chains = services.waiting_for(adam)
    assert sorted(c.stuck for c in chains) == ["domiciliation", "emergency_housing_115"]
