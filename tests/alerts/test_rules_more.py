"""Alert rules of issue 15 (second part), each at and around its threshold: the residence card
expiring, a referral unanswered past its delay, a place tried inside a danger zone (kept
although the action was refused), a minor turning 18."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.audit.models import JournalEntry
from parcours.cases.enums import CaseStatus
from parcours.cases.models import Case
from parcours.referrals.deadlines import answer_delay, expire_overdue
from parcours.referrals.models import Referral
from parcours.rights import services as rights
from parcours.shelter import placement, zones
from parcours.shelter.models import DangerZoneRefusal
from parcours.shelter.safety import DangerZoneViolation
from tests.alerts.open_alerts import DAY, HOUR
from tests.alerts.open_alerts import open_alerts as _open
from tests.conftest import sign_in
from tests.rights.builders import answer_no, ask
from tests.shelter.conftest import yesterday

pytestmark = pytest.mark.django_db


def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


# -- the residence card or receipt expiring -----------------------------------------------------


def test_the_card_alerts_60_days_before_it_expires_and_after(case, referent):
    today = timezone.localdate()
    ends = today + datetime.timedelta(days=61)
    rights.record_fact(referent.actor, case, "card_expires_on", ends)
    assert _open(_noon(today), "card_expiring") == []  # 61 days left
    [alert] = _open(_noon(today + DAY), "card_expiring")  # 60
    assert (alert.key, alert.params) == (ends.isoformat(), {"days": 60})
    assert alert.since.date() == ends - datetime.timedelta(days=60)
    [expired] = _open(_noon(ends + DAY), "card_expiring")  # expired: still an alert
    assert expired.params == {"days": -1}


def test_a_renewed_card_closes_it_and_the_delay_is_a_setting(case, referent, settings):
    today = timezone.localdate()
    rights.record_fact(referent.actor, case, "card_expires_on", today + 10 * DAY)
    assert len(_open(_noon(today), "card_expiring")) == 1
    rights.record_fact(referent.actor, case, "card_expires_on", today + 200 * DAY)  # renewed
    assert _open(_noon(today), "card_expiring") == []
    settings.ALERT_THRESHOLDS = {"card_expiring": {"days": 210}}
    assert len(_open(_noon(today), "card_expiring")) == 1


# -- a referral unanswered past its service's delay ---------------------------------------------


def test_a_referral_alerts_past_its_kinds_delay_then_expired_until_asked_again(case, referent):
    call = ask(referent, case, "emergency_housing_115")
    sent = timezone.now() - 6 * HOUR  # called six hours ago
    Referral.objects.filter(pk=call.pk).update(sent_at=sent, created_at=sent)
    due = sent + answer_delay("emergency_housing_115")
    assert answer_delay("emergency_housing_115") == 4 * HOUR
    assert _open(due, "referral_unanswered") == []  # at the delay: not yet
    [alert] = _open(due + datetime.timedelta(minutes=1), "referral_unanswered")
    assert (alert.key, alert.since, alert.params) == (
        str(call.pk),
        due,
        {"service_kind": "emergency_housing_115"},
    )
    assert expire_overdue(due + HOUR) == 1  # the worker expires it: still unanswered
    assert len(_open(due + HOUR, "referral_unanswered")) == 1
    again = ask(referent, case, "emergency_housing_115")  # asked again: that one is waited for
    assert _open(timezone.now(), "referral_unanswered") == []
    answer_no(again)
    assert _open(again.sent_at + DAY, "referral_unanswered") == []  # answered, even "no"


def test_a_week_long_delay_is_waited_for_before_alerting(case, referent):
    fund = ask(referent, case, "health_insurance")
    due = fund.sent_at + answer_delay("health_insurance")
    assert due - fund.sent_at == 7 * DAY
    assert _open(due - HOUR, "referral_unanswered") == []
    assert len(_open(due + HOUR, "referral_unanswered")) == 1
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    assert _open(due + HOUR, "referral_unanswered") == []


# -- a place tried inside a danger zone ---------------------------------------------------------


@pytest.fixture
def request_in_gironde(referent, case):
    zones.add_zone(
        referent.actor, case, kind="departement", reason="exploitation", departement="33"
    )
    return placement.create_request(referent.actor, case, sex="F", consent_date=yesterday())


def test_a_place_refused_in_a_request_is_kept_and_alerts_for_seven_days(
    client, referent, case, request_in_gironde
):
    sign_in(client, referent)
    url = reverse("placement_by_hand", kwargs={"ref": case.ref, "pk": request_in_gironde.pk})
    answer = client.post(url, {"name": "Hôtel du 115 (fictif)", "commune": "Bordeaux"})
    assert answer.status_code == 400 and "Gironde" in answer.content.decode()
    assert not request_in_gironde.placements.exists()  # the action changed nothing...
    refusal = DangerZoneRefusal.objects.get()  # ...but the attempt is kept, and journaled
    assert (refusal.case_id, refusal.what, refusal.user_id) == (
        case.pk,
        "placement:by_hand",
        referent.user.pk,
    )
    assert JournalEntry.objects.filter(action="safety.refused", object_ref=case.ref).count() == 1
    [alert] = _open(refusal.at + HOUR, "danger_zone_attempt")
    assert (alert.case_id, alert.since, alert.params) == (case.pk, refusal.at, {"count": 1})
    assert len(_open(refusal.at + 7 * DAY - HOUR, "danger_zone_attempt")) == 1
    assert _open(refusal.at + 7 * DAY, "danger_zone_attempt") == []  # a week later: closed


def test_a_refusal_outside_a_form_is_kept_only_once_rolled_back(referent, request_in_gironde):
    with pytest.raises(DangerZoneViolation) as refused:
        placement.propose_by_hand(
            referent.actor, request_in_gironde, name="Hôtel (fictif)", departement="33"
        )
    assert not DangerZoneRefusal.objects.exists()  # nothing kept inside the refused action
    refused.value.keep_after_rollback()
    refused.value.keep_after_rollback()  # run once, whoever calls it again
    assert DangerZoneRefusal.objects.count() == 1
    assert len(_open(timezone.now() + HOUR, "danger_zone_attempt")) == 1


def test_a_place_outside_every_zone_keeps_nothing(client, referent, case, request_in_gironde):
    sign_in(client, referent)
    url = reverse("placement_by_hand", kwargs={"ref": case.ref, "pk": request_in_gironde.pk})
    answer = client.post(url, {"name": "Foyer (fictif)", "commune": "Rennes"})
    assert answer.status_code == 302
    assert not DangerZoneRefusal.objects.exists()
    assert _open(timezone.now() + HOUR, "danger_zone_attempt") == []


# -- a minor turning 18 ---------------------------------------------------------------------------


def _born(case, day):
    person = case.person
    person.birth_date = {"year": day.year, "month": day.month, "day": day.day}
    person.save()


def test_a_minor_alerts_six_months_before_18_until_the_birthday(case):
    today = timezone.localdate()
    birthday = today.replace(year=today.year + 1, day=min(today.day, 28))
    _born(case, birthday.replace(year=birthday.year - 18))
    notice = (
        birthday.replace(month=birthday.month - 6)
        if birthday.month > 6
        else birthday.replace(year=birthday.year - 1, month=birthday.month + 6)
    )
    assert _open(_noon(notice - DAY), "turning_18") == []
    [alert] = _open(_noon(notice), "turning_18")
    assert (alert.key, alert.since.date()) == (birthday.isoformat(), notice)
    assert len(_open(_noon(birthday - DAY), "turning_18")) == 1
    assert _open(_noon(birthday), "turning_18") == []  # 18 today: the transition is here


def test_an_adult_or_an_unknown_age_raises_nothing(case):
    assert _open(timezone.now(), "turning_18") == []  # no date of birth
    _born(case, timezone.localdate().replace(year=timezone.localdate().year - 30, day=1))
    assert _open(timezone.now(), "turning_18") == []
