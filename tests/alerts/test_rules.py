"""Alert rules (issue 15): each at and around its threshold; alerts derived from the data, their
states kept in step by the worker, closing by themselves when the cause goes."""

import datetime

import pytest
from django.utils import timezone

from parcours.alerts import rules, tracking
from parcours.alerts.models import AlertState
from parcours.alerts.worker import run_round
from parcours.cases.enums import CaseStatus, LegalBasis, SharingBasis
from parcours.cases.models import Case, Task
from parcours.referrals.enums import ReferralStatus
from parcours.referrals.models import Referral
from parcours.shelter.enums import PlacementStatus, RiskLevel
from parcours.shelter.models import Placement, PlacementRequest, RiskAssessment
from tests import personas
from tests.alerts.open_alerts import DAY, HOUR
from tests.alerts.open_alerts import open_alerts as _open
from tests.factories import FacilityFactory, ServiceFactory

pytestmark = pytest.mark.django_db


# -- the same kind of service refusing N times in D days ---------------------------------------


@pytest.fixture
def refuse(case, referent):
    siao = personas.siao()

    def refuse(at, kind_115=True):
        service = ServiceFactory(organisation=siao.actor.organisation, emergency_115=kind_115)
        return Referral.objects.create(
            case=case, service=service, from_org=referent.actor.organisation,
            to_org=service.organisation, purpose="Mise à l'abri (fictif)",
            basis=SharingBasis.LEGAL, legal_basis=LegalBasis.SOCIAL_ACTION,
            status=ReferralStatus.REFUSED, refusal_code="no_place", created_at=at - HOUR,
            sent_at=at - HOUR, answered_at=at, created_by=referent.user,
        )  # fmt: skip

    return refuse


def test_the_third_115_refusal_in_seven_days_opens_an_alert_from_the_third(case, refuse):
    now = timezone.now()
    for days_ago in (6, 4):
        refuse(now - days_ago * DAY)
    assert _open(now, "repeated_refusals") == []
    third = refuse(now - 2 * DAY)
    [alert] = _open(now, "repeated_refusals")
    assert (alert.case_id, alert.key, alert.since) == (case.pk, "emergency_housing_115",
                                                       third.answered_at)  # fmt: skip
    assert alert.params == {"count": 3, "days": 7, "service_kind": "emergency_housing_115"}


def test_refusals_older_than_the_window_or_of_other_kinds_do_not_count(case, refuse):
    now = timezone.now()
    refuse(now - 7 * DAY)  # just outside: the window is the last seven days
    refuse(now - 3 * DAY)
    refuse(now - 2 * DAY, kind_115=False)
    refuse(now - DAY)
    assert _open(now, "repeated_refusals") == []
    # just after the latest refusal the oldest was still inside the window: the alert was open
    # then, and closed by itself as the window slid past the oldest
    assert len(_open(now - DAY + HOUR, "repeated_refusals")) == 1
    assert _open(now - DAY - HOUR, "repeated_refusals") == []  # before the latest: two


def test_the_threshold_is_a_setting(case, refuse, settings):
    now = timezone.now()
    refuse(now - 3 * DAY)
    refuse(now - DAY)
    assert _open(now, "repeated_refusals") == []
    settings.ALERT_THRESHOLDS = {"repeated_refusals": {"count": 2}}
    [alert] = _open(now, "repeated_refusals")
    assert alert.params["days"] == 7


def test_a_closed_case_raises_no_alert(case, refuse):
    now = timezone.now()
    for days_ago in (3, 2, 1):
        refuse(now - days_ago * DAY)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=now)
    assert rules.evaluate(now) == []


# -- critical danger without a safe place after H hours ----------------------------------------


def _assess(case, referent, level, at):
    return RiskAssessment.objects.create(
        case=case, dangers=["exploiter_nearby"], level=level, assessed_at=at,
        assessed_by=referent.user, by_org=referent.actor.organisation,
    )  # fmt: skip


def test_critical_danger_alerts_24_hours_after_the_assessment_not_before(case, referent):
    now = timezone.now()
    assessed = _assess(case, referent, RiskLevel.CRITICAL, now - 24 * HOUR + HOUR)
    assert _open(now, "danger_without_shelter") == []
    [alert] = _open(now + HOUR, "danger_without_shelter")
    assert alert.since == assessed.assessed_at + 24 * HOUR


def test_a_later_lower_assessment_or_an_arrival_closes_it(case, referent):
    now = timezone.now()
    _assess(case, referent, RiskLevel.CRITICAL, now - 30 * HOUR)
    assert len(_open(now, "danger_without_shelter")) == 1
    lower = _assess(case, referent, RiskLevel.HIGH, now - HOUR)
    assert _open(now, "danger_without_shelter") == []
    lower.delete()
    request = PlacementRequest.objects.create(
        case=case, min_distance_km=150, consent_date=timezone.localdate(),
        created_at=now - 2 * HOUR, created_by=referent.user,
    )  # fmt: skip
    Placement.objects.create(request=request, case=case, status=PlacementStatus.ARRIVED,
                             facility=FacilityFactory(),
                             arrived_at=now - HOUR, created_at=now - 2 * HOUR,
                             created_by=referent.user)  # fmt: skip
    assert _open(now, "danger_without_shelter") == []


# -- no safety assessment after H hours ---------------------------------------------------------


def test_a_case_without_assessment_alerts_48_hours_after_opening(case, referent):
    opened = case.opened_at
    assert _open(opened + 48 * HOUR - HOUR, "no_safety_assessment") == []
    [alert] = _open(opened + 48 * HOUR, "no_safety_assessment")
    assert alert.since == opened + 48 * HOUR
    _assess(case, referent, RiskLevel.LOW, opened + HOUR)
    assert _open(opened + 48 * HOUR, "no_safety_assessment") == []


# -- a task overdue -----------------------------------------------------------------------------


def test_a_task_alerts_the_day_after_it_was_due_until_done(case, referent):
    now = timezone.now()
    today = timezone.localdate(now)
    task = Task.objects.create(case=case, title="Prendre rendez-vous (fictif)",
                               owner_org=referent.actor.organisation, due_on=today,
                               created_at=now, created_by=referent.user)  # fmt: skip
    assert _open(now, "task_overdue") == []
    [alert] = _open(now + DAY, "task_overdue")
    assert (alert.key, alert.params) == (str(task.pk), {"days": 1})
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE, done_at=now)
    assert _open(now + DAY, "task_overdue") == []


# -- the states the worker keeps ----------------------------------------------------------------


def test_the_worker_opens_a_state_once_and_closes_it_when_the_cause_goes(case, referent):
    now = timezone.now()
    _assess(case, referent, RiskLevel.CRITICAL, now - 30 * HOUR)
    counts = run_round(now)
    assert counts["alerts opened or closed"] == 1
    [state] = AlertState.objects.all()
    assert (state.rule, state.case_id, state.closed_at) == ("danger_without_shelter", case.pk,
                                                            None)  # fmt: skip
    assert tracking.sync(now) == {"opened": 0, "closed": 0}  # a second round changes nothing
    _assess(case, referent, RiskLevel.MEDIUM, now - HOUR)
    assert tracking.sync(now) == {"opened": 0, "closed": 1}
    state.refresh_from_db()
    assert state.closed_at == now
    # the cause back: a new state, the closed one kept as it was
    _assess(case, referent, RiskLevel.CRITICAL, now)
    assert tracking.sync(now + 24 * HOUR) == {"opened": 1, "closed": 0}
    assert AlertState.objects.count() == 2


def test_one_pass_costs_the_same_queries_for_one_case_or_many(
    case, referent, django_assert_max_num_queries
):
    now = timezone.now()
    _assess(case, referent, RiskLevel.CRITICAL, now - 30 * HOUR)
    with django_assert_max_num_queries(30) as one:  # twelve rules, and the states
        tracking.sync(now)
    for n in range(5):
        other = personas.open_case(referent, personas.participant(f"p{n}"))
        _assess(other, referent, RiskLevel.CRITICAL, now - 30 * HOUR)
    with django_assert_max_num_queries(len(one.captured_queries) + 0):
        tracking.sync(now)
    assert AlertState.objects.filter(closed_at__isnull=True).count() >= 6


# -- the reflection period ending ---------------------------------------------------------------


def test_the_reflection_period_alerts_five_days_before_its_end_until_it_ends(
    case, referent, settings
):
    from parcours.identification.models import Stage

    today = timezone.localdate()
    now = datetime.datetime.combine(
        today, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )
    identified_on = today - datetime.timedelta(days=settings.REFLECTION_PERIOD_DAYS - 6)
    Stage.objects.create(case=case, code=Stage.Code.IDENTIFIED, on=identified_on,
                         organisation=referent.actor.organisation, recorded_by=referent.user,
                         recorded_at=now)  # fmt: skip
    assert _open(now, "reflection_ending") == []  # six days left
    [alert] = _open(now + DAY, "reflection_ending")  # five
    assert alert.params == {"days": 5}
    assert [a.params for a in _open(now + 5 * DAY, "reflection_ending")] == [{"days": 1}]
    assert _open(now + 6 * DAY, "reflection_ending") == []  # the day it ends: over


# -- no contact for D days ------------------------------------------------------------------------


def test_no_contact_alerts_after_21_days_then_contact_brings_it_back(case):
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(last_contact_at=now - 21 * DAY + HOUR)
    assert _open(now, "no_contact") == []
    [alert] = _open(now + HOUR, "no_contact")
    assert alert.params == {"days": 21}
    Case.objects.filter(pk=case.pk).update(last_contact_at=now)
    assert _open(now + HOUR, "no_contact") == []
