"""Blocked pathways (issue 12, item 4, the finding): the requests of a case whose stated
requirements wait on each other form a cycle, found, with the legal way out. S1's circle
(housing -> contract -> health cover -> address -> housing) through the directory's stated
requirements and one the caseworker records; then a different circle, with other services,
names, towns and dates: the verdicts follow from the catalogue and the facts only."""

import uuid

import pytest

from parcours.cases import services as cases
from parcours.referrals import services as referrals
from parcours.rights import services
from parcours.rights.blocking import Edge, blocked, find_cycles
from parcours.rights.catalogue import catalogue
from parcours.rights.facts import Facts
from tests.factories import ServiceFactory
from tests.personas import make_persona
from tests.www.conftest import give_consent


def _ask(referent, case, kind, required=(), dep="33"):
    provider = make_persona(f"{kind}-{uuid.uuid4().hex[:6]}", kind="ccas", dep=dep)
    service = ServiceFactory(
        organisation=provider.actor.organisation, kind=kind, required=list(required)
    )
    give_consent(referent, case, provider.actor.organisation)
    return referrals.create_and_send(
        referent.actor, case, service, purpose="Demande", request_token=uuid.uuid4()
    )


@pytest.fixture
def adam(referent):
    return cases.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Adam"})


def test_s1s_circle_is_found_and_domiciliation_is_the_way_out(referent, adam):
    hostel = _ask(referent, adam, "social_support")  # says so only in this case:
    services.record_stated_requirement(referent.actor, hostel, "employment_contract")
    _ask(referent, adam, "insertion", ["health_cover"])
    _ask(referent, adam, "health_insurance", ["address"])
    for name in ("has_address", "has_health_cover", "has_employment_contract"):
        services.record_fact(referent.actor, adam, name, False)
    (cycle,) = services.blocked_for(adam)
    assert set(cycle.kinds) == {"social_support", "insertion", "health_insurance"}
    assert {(e.need, e.requirement) for e in cycle.edges} == {
        ("social_support", "employment_contract"),
        ("insertion", "health_cover"),
        ("health_insurance", "address"),
    }
    assert "domiciliation" in {offer.service_kind for offer in cycle.ways_out}


def test_a_requirement_known_to_be_met_breaks_the_circle(referent, adam):
    hostel = _ask(referent, adam, "social_support")
    services.record_stated_requirement(referent.actor, hostel, "employment_contract")
    _ask(referent, adam, "insertion", ["health_cover"])
    _ask(referent, adam, "health_insurance", ["address"])
    services.record_fact(referent.actor, adam, "has_address", True)  # domiciliated
    assert services.blocked_for(adam) == []


def test_another_circle_elsewhere_gets_its_own_cycle_and_way_out(referent):
    """A woman in Lyon: the CHRS asks for a residence receipt, the prefecture asks for an
    address, and the address would be the CHRS's."""
    case = cases.open_case(referent.actor, {"family_name": "Exemple", "given_names": "Oksana"})
    _ask(referent, case, "shelter", ["residence_permit"], dep="69")
    _ask(referent, case, "residence_permit", ["address"], dep="69")
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

    hostel = _ask(referent, adam, "social_support")
    with pytest.raises(DomainError):
        services.record_stated_requirement(referent.actor, hostel, "a_good_reason")
