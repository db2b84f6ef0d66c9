"""Alert rules of issue 15 that come from the rights engine (issue 12): a refusal possibly
contrary to law, and a blocked pathway (a cycle at once; a chain when it has waited D days).
The periodic work reads the rights of every watched case in bulk: the same verdicts as the
case page's, in a number of queries that does not grow with the cases."""

import pytest
from django.utils import timezone

from parcours.alerts import rules
from parcours.cases import services as cases
from parcours.cases.enums import CaseStatus
from parcours.cases.models import Case
from parcours.rights import services
from tests.alerts.open_alerts import DAY, HOUR
from tests.alerts.open_alerts import open_alerts as _open
from tests.rights.builders import answer_no, ask, hostel_circle, refused_young_man

pytestmark = pytest.mark.django_db


@pytest.fixture
def adam(referent):
    return cases.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Adam"})


# -- a refusal possibly contrary to law ----------------------------------------------------------


def test_a_refusal_contrary_to_law_alerts_from_the_refusal(referent):
    young = refused_young_man(referent, in_child_welfare_before_18=True)
    (referral,) = young.referrals.all()
    [alert] = _open(timezone.now(), "refusal_contrary")
    assert (alert.case_id, alert.since) == (young.pk, referral.answered_at)
    assert alert.key == f"{referral.pk}:young_adult_support_mandatory"
    assert "L222-5" in alert.params["article"]


def test_a_question_first_is_no_alert_and_the_answer_decides(referent):
    young = refused_young_man(referent)  # care before 18 unknown: the page asks
    assert _open(timezone.now(), "refusal_contrary") == []
    services.record_fact(referent.actor, young, "in_child_welfare_before_18", False)
    assert _open(timezone.now(), "refusal_contrary") == []
    services.record_fact(referent.actor, young, "in_child_welfare_before_18", True)
    assert len(_open(timezone.now(), "refusal_contrary")) == 1
    services.record_fact(referent.actor, young, "in_child_welfare_before_18", False)  # corrected
    assert _open(timezone.now(), "refusal_contrary") == []


def test_an_allowed_ground_or_a_closed_case_raises_nothing(referent):
    from tests.rights.builders import refuse, young_man

    young = young_man(referent, in_child_welfare_before_18=True)
    refuse(referent, young, "incomplete_file", young_adult=True)
    assert _open(timezone.now(), "refusal_contrary") == []
    other = refused_young_man(referent, in_child_welfare_before_18=True)
    Case.objects.filter(pk=other.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    assert _open(timezone.now(), "refusal_contrary") == []


# -- a blocked pathway --------------------------------------------------------------------------


def test_a_cycle_alerts_at_once_and_a_met_condition_closes_it(referent, adam):
    hostel_circle(referent, adam)
    [alert] = _open(timezone.now(), "blocked_pathway")
    assert alert.key == "cycle:health_insurance,insertion,social_support"
    newest = max(r.sent_at for r in adam.referrals.all())
    assert alert.since == newest
    services.record_fact(referent.actor, adam, "has_address", True)  # domiciliated
    assert _open(timezone.now(), "blocked_pathway") == []


def test_a_chain_alerts_after_14_days_of_waiting_on_a_stuck_request(referent, adam, settings):
    ask(referent, adam, "insertion", ["health_cover"])
    stuck = ask(referent, adam, "health_insurance")
    services.record_fact(referent.actor, adam, "has_health_cover", False)
    now = timezone.now()
    assert _open(now + 13 * DAY, "blocked_pathway") == []  # waiting, not stuck: no chain
    answer_no(stuck, "incomplete_file")
    refused_at = type(stuck).objects.get(pk=stuck.pk).answered_at
    assert _open(refused_at + 14 * DAY - HOUR, "blocked_pathway") == []
    [alert] = _open(refused_at + 14 * DAY, "blocked_pathway")
    assert (alert.key, alert.since) == ("chain:insertion,health_insurance", refused_at + 14 * DAY)
    assert alert.params == {"kinds": ["insertion", "health_insurance"], "why": "refused"}
    settings.ALERT_THRESHOLDS = {"blocked_pathway": {"days": 2}}
    assert len(_open(refused_at + 2 * DAY, "blocked_pathway")) == 1


def test_one_request_alone_is_no_pathway_blocked(referent, adam):
    answer_no(ask(referent, adam, "health_insurance", ["address"]), "incomplete_file")
    services.record_fact(referent.actor, adam, "has_address", False)
    assert _open(timezone.now() + 30 * DAY, "blocked_pathway") == []


# -- the rights in bulk ---------------------------------------------------------------------------


def test_the_rights_read_in_bulk_are_the_case_pages(referent, adam, django_assert_max_num_queries):
    young = refused_young_man(referent, in_child_welfare_before_18=True)
    hostel_circle(referent, adam)
    third = cases.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Noé"})
    ids = Case.objects.filter(pk__in=[young.pk, adam.pk, third.pk]).values("pk")
    with django_assert_max_num_queries(6):
        bulk = services.rights_in_bulk(ids)
    assert set(bulk) == {young.pk, adam.pk, third.pk}
    for case in (young, adam, third):
        one = services.rights_of(case)
        assert [(f.kind, f.referral_ref, f.right_id) for f in bulk[case.pk].findings] == [
            (f.kind, f.referral_ref, f.right_id) for f in one.findings
        ]
        assert [c.kinds for c in bulk[case.pk].cycles] == [c.kinds for c in one.cycles]
        assert {k: v.eligibility for k, v in bulk[case.pk].verdicts.items()} == {
            k: v.eligibility for k, v in one.verdicts.items()
        }
    assert bulk[young.pk].findings and bulk[adam.pk].cycles


def test_a_pass_costs_the_same_queries_for_one_blocked_case_or_many(referent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def pass_queries():
        with CaptureQueriesContext(connection) as captured:
            found = rules.evaluate(timezone.now() + 30 * DAY)
        return len(captured.captured_queries), found

    def blocked_and_refused():
        refused_young_man(referent, in_child_welfare_before_18=True)
        circle = cases.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Eli"})
        hostel_circle(referent, circle)

    blocked_and_refused()
    one, found = pass_queries()
    assert {"refusal_contrary", "blocked_pathway"} <= {a.rule for a in found}
    for _n in range(3):
        blocked_and_refused()
    many, found = pass_queries()
    assert many == one
    assert len([a for a in found if a.rule == "refusal_contrary"]) == 4
