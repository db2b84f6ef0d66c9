"""The lost-contact rule, and the worker that applies it. Time is frozen (``clock``) and let
pass: the case's last reached contact is its opening (its first contact)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from parcours.alerts.notify import send_due
from parcours.cases import services
from parcours.cases.contact_watch import mark_lost_contacts
from parcours.cases.enums import CaseStatus


def _days_pass(clock, days):
    clock.shift(datetime.timedelta(days=days))


@pytest.fixture(autouse=True)
def delay(settings):
    settings.CONTACT_LOST_DAYS = 30


def test_a_case_without_contact_past_the_delay_is_marked_and_the_referent_told(
    clock, case, referent
):
    referent.user.email = "referent@demo.invalid"
    referent.user.save()
    _days_pass(clock, 31)
    assert mark_lost_contacts() == [case.ref]
    assert mail.outbox == []  # queued: the worker's e-mail step sends it
    assert send_due() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACT_LOST
    last = case.transitions.last()
    assert last.by_user is None and last.to_status == CaseStatus.CONTACT_LOST
    assert len(mail.outbox) == 1 and case.ref in mail.outbox[0].subject
    assert mail.outbox[0].to == ["referent@demo.invalid"]
    assert "Amadou" not in mail.outbox[0].body


def test_within_the_delay_nothing_moves(clock, case):
    _days_pass(clock, 29)
    assert mark_lost_contacts() == []


def test_marking_is_idempotent(clock, case):
    _days_pass(clock, 40)
    assert mark_lost_contacts() == [case.ref]
    assert mark_lost_contacts() == []


def test_closed_cases_are_not_watched(clock, case, referent):
    from parcours.cases import lifecycle

    lifecycle.move(case, CaseStatus.CLOSED, referent.actor, reason="Accompagnement terminé")
    _days_pass(clock, 90)
    assert mark_lost_contacts() == []


def test_a_new_contact_brings_the_case_back(clock, case, referent):
    _days_pass(clock, 40)
    mark_lost_contacts()
    services.log_contact(referent.actor, case, channel="met", note="Revenue à la permanence")
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOWED


def test_the_delay_is_a_setting(clock, case, settings):
    settings.CONTACT_LOST_DAYS = 60
    _days_pass(clock, 40)
    assert mark_lost_contacts() == []


def test_worker_runs_one_round(clock, case, capsys):
    _days_pass(clock, 40)
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert "cases marked contact lost: 1" in out
    call_command("worker", "--once")
    assert "cases marked contact lost: 0" in capsys.readouterr().out
