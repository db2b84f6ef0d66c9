"""Evaluating the rights of a case (issue 12, item 2): eligible, not eligible (why), unknown
(which fact to ask), requested, granted, refused; dates from the time limits; ways out; a
missing fact never crashes. Facts are recorded once, with who and when, and read by every
right."""

import datetime
import uuid

import pytest
from django.utils import timezone, translation

from parcours.audit.models import JournalEntry
from parcours.core.errors import DomainError, NotAllowed
from parcours.referrals import services as referrals
from parcours.rights import services
from parcours.rights.catalogue import catalogue
from parcours.rights.evaluation import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    REFUSED,
    REQUESTED,
    UNKNOWN,
    evaluate,
)
from parcours.rights.facts import Facts
from parcours.rights.models import Fact
from tests.factories import ServiceFactory
from tests.personas import make_persona
from tests.www.conftest import give_consent

YOUNG = "young_adult_support_mandatory"


def _verdict(right_id, **facts):
    return evaluate(catalogue(), Facts(facts))[right_id]


def test_nothing_known_gives_unknown_rights_with_their_questions_and_no_error():
    verdicts = evaluate(catalogue(), Facts({}))
    assert {v.state for v in verdicts.values()} <= {UNKNOWN, ELIGIBLE}
    young = verdicts[YOUNG]
    assert young.state == UNKNOWN
    assert {fact.name for fact in young.missing} >= {"age", "in_child_welfare_before_18"}


def test_the_young_adult_right_follows_the_child_welfare_question():
    base = {"age": 19, "has_resources": False}
    assert _verdict(YOUNG, **base).state == UNKNOWN
    assert [f.name for f in _verdict(YOUNG, **base).missing] == ["in_child_welfare_before_18"]
    assert _verdict(YOUNG, **base, in_child_welfare_before_18=True).state == ELIGIBLE
    with translation.override("en"):
        refused = _verdict(YOUNG, **base, in_child_welfare_before_18=False)
    assert refused.state == NOT_ELIGIBLE
    assert refused.reasons == ["The person was not in child-welfare care before 18."]


def test_any_of_resources_or_family_support_is_enough():
    facts = {"age": 20, "in_child_welfare_before_18": True, "has_resources": True}
    assert _verdict(YOUNG, **facts).state == UNKNOWN  # family support still to ask
    assert _verdict(YOUNG, **facts, has_family_support=False).state == ELIGIBLE
    assert _verdict(YOUNG, **facts, has_family_support=True).state == NOT_ELIGIBLE


def test_one_failing_condition_decides_even_with_facts_missing():
    verdict = _verdict(YOUNG, age=22)
    assert verdict.state == NOT_ELIGIBLE and not verdict.missing


def test_the_reflection_period_ends_30_days_after_identification():
    identified = datetime.date(2026, 11, 2)
    verdict = _verdict("reflection_period", eu_national=False, identified_on=identified)
    assert verdict.state == ELIGIBLE
    (limit, day), *_ = verdict.dates
    assert limit.name == "reflection_ends" and day == datetime.date(2026, 12, 2)


def test_the_renewal_window_opens_before_the_card_expires():
    verdict = _verdict(
        "victim_card_renewal",
        stay_status="victim_card",
        complaint_or_testimony=True,
        ties_broken=True,
        public_order_threat=False,
        card_expires_on=datetime.date(2027, 3, 1),
    )
    dates = {limit.name: day for limit, day in verdict.dates}
    assert dates["renewal_window_opens"] == datetime.date(2026, 12, 31)
    assert dates["card_expires"] == datetime.date(2027, 3, 1)


def test_no_address_offers_domiciliation_as_the_way_out():
    verdict = _verdict("puma_health_cover", stay_status="receipt", has_address=False)
    assert verdict.state == ELIGIBLE
    assert "domiciliation" in [way.by for way in verdict.ways_out]
    assert _verdict("puma_health_cover", stay_status="receipt", has_address=True).ways_out == []


def test_an_eu_national_gets_no_victim_card_and_is_told_why():
    with translation.override("en"):
        verdict = _verdict(
            "victim_residence_card",
            age=30,
            eu_national=True,
            complaint_or_testimony=True,
            ties_broken=True,
            public_order_threat=False,
        )
    assert verdict.state == NOT_ELIGIBLE
    assert verdict.reasons == ["EU nationals are excluded."]


def test_an_unknown_fact_name_is_a_programming_error_not_a_silent_pass():
    with pytest.raises(ValueError):
        Facts({"favourite_colour": "blue"})


# -- recorded facts, on a real case ------------------------------------------------------------


def test_facts_are_recorded_with_who_and_when_and_the_newest_wins(referent, case):
    services.record_fact(referent.actor, case, "in_child_welfare_before_18", False)
    services.record_fact(referent.actor, case, "in_child_welfare_before_18", True)
    assert Fact.objects.filter(case=case).count() == 2
    facts = services.facts_for(case)
    assert facts.get("in_child_welfare_before_18") is True
    assert facts.get("age") == case.person.age_on(timezone.localdate())  # derived, not asked
    fact = Fact.objects.filter(case=case).latest("recorded_at")
    assert fact.recorded_by == referent.user and fact.organisation == referent.actor.organisation
    entry = JournalEntry.objects.filter(action="case.fact").last()
    assert entry.groups == ["social"] and entry.object_ref == case.ref


def test_a_date_fact_comes_back_as_a_date_and_none_forgets(referent, case):
    services.record_fact(referent.actor, case, "identified_on", datetime.date(2026, 11, 2))
    assert services.facts_for(case).get("identified_on") == datetime.date(2026, 11, 2)
    services.record_fact(referent.actor, case, "identified_on", None)
    assert services.facts_for(case).get("identified_on") is None


@pytest.mark.parametrize(
    "name,value",
    [
        ("identified_on", "yesterday"),
        ("ties_broken", "yes"),
        ("stay_status", "tourist"),
        ("age", 3),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_recorded(referent, case, name, value):
    with pytest.raises(DomainError):
        services.record_fact(referent.actor, case, name, value)
    assert not Fact.objects.exists()


def test_only_the_referent_records_facts(participant, case):
    with pytest.raises(NotAllowed):
        services.record_fact(participant.actor, case, "ties_broken", True)


def test_what_became_of_a_referral_is_the_rights_state(referent, case):
    recipient = make_persona("ase-33", kind="child_welfare", dep="33")
    service = ServiceFactory(organisation=recipient.actor.organisation, young_adult=True)
    give_consent(referent, case, recipient.actor.organisation)
    referral = referrals.create_and_send(
        referent.actor, case, service, purpose="Contrat jeune majeur", request_token=uuid.uuid4()
    )
    assert services.evaluate_case(case)[YOUNG].state == REQUESTED
    referrals.refuse(recipient.actor, referral, "not_in_insertion_pathway", "", referral.version)
    verdict = services.evaluate_case(case)[YOUNG]
    assert verdict.state == REFUSED
    assert verdict.status.refusal_code == "not_in_insertion_pathway"
    assert verdict.status.referral_ref == referral.ref


def _health_request(referent, case, right=""):
    fund = make_persona(f"cpam-{uuid.uuid4().hex[:6]}", kind="health_insurance", dep="33")
    service = ServiceFactory(organisation=fund.actor.organisation, kind="health_insurance")
    give_consent(referent, case, fund.actor.organisation)
    referral = referrals.create_and_send(
        referent.actor, case, service, purpose="Couverture", request_token=uuid.uuid4(), right=right
    )
    return fund, referral


def test_a_request_to_a_fund_granting_two_rights_answers_for_the_one_the_stay_allows(
    referent, case
):
    """PUMa and AME share the health insurance: a refused request of a person without a
    residence permit is a refused AME, not a refused PUMa she could not have had."""
    services.record_fact(referent.actor, case, "stay_status", "none")
    fund, referral = _health_request(referent, case)
    referrals.refuse(fund.actor, referral, "incomplete_file", "", referral.version)
    verdicts = services.evaluate_case(case)
    assert verdicts["ame_health_cover"].state == REFUSED
    assert verdicts["puma_health_cover"].state == NOT_ELIGIBLE


def test_a_request_naming_its_right_answers_for_that_right_only(referent, case):
    fund, referral = _health_request(referent, case, right="puma_health_cover")
    referrals.refuse(fund.actor, referral, "incomplete_file", "", referral.version)
    verdicts = services.evaluate_case(case)
    assert verdicts["puma_health_cover"].state == REFUSED
    assert verdicts["ame_health_cover"].state == UNKNOWN  # its stay is not known yet


def test_a_right_another_kind_of_service_grants_is_refused_on_the_request(referent, case):
    fund = make_persona("cpam-x", kind="health_insurance", dep="33")
    service = ServiceFactory(organisation=fund.actor.organisation, kind="health_insurance")
    with pytest.raises(DomainError):
        services.check_right_for("legal_aid", service)
    with pytest.raises(DomainError):
        services.check_right_for("no_such_right", service)
    assert services.check_right_for("ame_health_cover", service) == "ame_health_cover"
    assert services.check_right_for("", service) == ""
