"""Escalation (issue 15, item 3): an alert left alone goes to the territorial coordination of the
case's département, then to the national one; each step journaled and notified once; never a
wider access to the case."""

import datetime

import pytest
from django.utils import timezone

from parcours.access.scopes import visible_case_ids
from parcours.alerts import rules
from parcours.alerts.models import AlertState, Notification
from parcours.alerts.worker import run_round
from parcours.audit.enums import Action
from parcours.audit.models import JournalEntry
from parcours.cases.models import Task

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def overdue(case, referent, monkeypatch):
    """A task of the case due yesterday: its alert opened at the start of today. The other
    rules are left out (the case has no assessment, no contact...: they would fire too)."""
    monkeypatch.setattr(rules, "RULES", {"task_overdue": rules.rules()["task_overdue"]})
    now = timezone.now()
    Task.objects.create(case=case, title="Déposer le dossier (fictif)",
                        owner_org=referent.actor.organisation,
                        due_on=timezone.localdate(now) - DAY, created_at=now - 2 * DAY,
                        created_by=referent.user)  # fmt: skip
    run_round(now)
    return AlertState.objects.get(rule="task_overdue")


def _escalations(organisation):
    return list(
        Notification.objects.filter(kind="alert_escalated", organisation=organisation).values_list(
            "ref", flat=True
        )
    )


def test_unacknowledged_48_hours_it_goes_to_the_territorial_then_the_national_coordination(
    case, overdue, territorial, coordinator
):
    since = overdue.since
    run_round(since + 48 * HOUR - HOUR)
    assert _escalations(territorial.actor.organisation) == []
    counts = run_round(since + 48 * HOUR)
    assert counts["alerts escalated"] == 1
    assert _escalations(territorial.actor.organisation) == [case.ref]
    assert _escalations(coordinator.actor.organisation) == []
    entry = JournalEntry.objects.filter(action=Action.ALERT_ESCALATE).get()
    assert (entry.object_ref, entry.reason) == (case.ref, "task_overdue:1")
    # a week later, still unresolved: the national coordination
    run_round(since + 48 * HOUR + 168 * HOUR - HOUR)
    assert _escalations(coordinator.actor.organisation) == []
    run_round(since + 48 * HOUR + 168 * HOUR)
    assert _escalations(coordinator.actor.organisation) == [case.ref]
    overdue.refresh_from_db()
    assert overdue.escalation == 2
    # nothing further, nothing twice
    assert run_round(since + 60 * DAY)["alerts escalated"] == 0
    assert len(_escalations(territorial.actor.organisation)) == 1


def test_acknowledged_it_waits_for_the_longer_delay_resolved_it_never_goes(
    case, overdue, referent, territorial
):
    since = overdue.since
    AlertState.objects.filter(pk=overdue.pk).update(
        acknowledged_at=since + HOUR, acknowledged_by=referent.user
    )
    run_round(since + 100 * HOUR)
    assert _escalations(territorial.actor.organisation) == []
    run_round(since + 168 * HOUR)
    assert _escalations(territorial.actor.organisation) == [case.ref]
    AlertState.objects.filter(pk=overdue.pk).update(
        resolved_at=since + 169 * HOUR, resolved_by=referent.user
    )
    assert run_round(since + 400 * HOUR)["alerts escalated"] == 0


def test_an_escalation_never_widens_access(case, overdue, coordinator):
    before = set(visible_case_ids(coordinator.actor))
    run_round(overdue.since + 48 * HOUR)  # no territorial coordination here: the national one
    assert _escalations(coordinator.actor.organisation) == [case.ref]
    assert set(visible_case_ids(coordinator.actor)) == before
    assert case.pk not in before


def test_a_closed_alert_does_not_escalate(case, overdue, territorial):
    Task.objects.filter(case=case).update(status=Task.Status.DONE, done_at=timezone.now())
    run_round(overdue.since + 48 * HOUR)
    assert _escalations(territorial.actor.organisation) == []
