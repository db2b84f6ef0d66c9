"""The worker (issue 15, item 4): one failing step is reported and the others run; each round
leaves a heartbeat that ``parcours worker --status`` reads."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from parcours.alerts import worker
from parcours.alerts.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_step(monkeypatch):
    steps = dict(worker._STEPS)

    def broken(now):
        raise RuntimeError("fictional failure: Dupont, 06 12 34 56 78")  # never logged

    steps["broken"] = worker.Step("broken", broken, order=1)
    monkeypatch.setattr(worker, "_STEPS", steps)


def test_a_failing_step_is_reported_and_the_others_run(broken_step, caplog):
    counts = worker.run_round()
    assert "broken" not in counts and "alerts opened or closed" in counts
    assert "e-mails sent" in counts  # the last step ran too
    assert worker.last_failures == {"broken": "RuntimeError"}
    assert "worker_step_failed" in caplog.text and "RuntimeError" in caplog.text
    assert "Dupont" not in caplog.text and "06 12" not in caplog.text


def test_a_round_leaves_a_heartbeat_that_status_reads(broken_step):
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "failed: broken (RuntimeError)" in out.getvalue()
    [beat] = WorkerHeartbeat.objects.all()
    assert beat.rounds == 1 and beat.failures == {"broken": "RuntimeError"}
    assert "alerts escalated" in beat.counts
    status = io.StringIO()
    with pytest.raises(SystemExit) as failed:  # a step failed: not healthy
        call_command("worker", "--status", stdout=status)
    assert failed.value.code == 1
    assert "alive; failed steps: broken (RuntimeError)" in status.getvalue()


def test_status_is_healthy_after_a_clean_round_and_stale_after_three_missed():
    call_command("worker", "--once", stdout=io.StringIO())
    status = io.StringIO()
    call_command("worker", "--status", stdout=status)  # no SystemExit: healthy
    assert "alive; failed steps: none" in status.getvalue()
    WorkerHeartbeat.objects.update(finished_at=timezone.now() - datetime.timedelta(seconds=901))
    with pytest.raises(SystemExit):
        call_command("worker", "--status", stdout=io.StringIO())


def test_status_says_when_no_worker_ever_ran():
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("worker", "--status", stdout=out)
    assert "no worker has run a round" in out.getvalue()


# -- the daily steps: retention and the journal's check ------------------------------------------


def test_a_daily_step_runs_once_a_day_in_a_worker():
    now = timezone.now()
    first = worker.run_round(now)
    assert "journal entries checked" in first and "cases archived or people anonymised" in first
    later = worker.run_round(now + datetime.timedelta(minutes=5))
    assert "journal entries checked" not in later and "alerts opened or closed" in later
    assert "journal entries checked" in worker.run_round(now + datetime.timedelta(days=1))


def test_the_round_archives_what_retention_says(case, settings):
    from parcours.cases.enums import CaseStatus
    from parcours.cases.models import Case

    closed = timezone.now() - datetime.timedelta(days=settings.RETENTION_ARCHIVE_DAYS + 1)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=closed)
    assert worker.run_round()["cases archived or people anonymised"] == 1
    case.refresh_from_db()
    assert case.archived_at is not None


def test_a_journal_changed_behind_its_back_fails_the_daily_check(case, referent):
    from django.db import connection

    from parcours.audit import triggers
    from parcours.audit.enums import Action
    from parcours.audit.journal import record
    from parcours.audit.models import JournalEntry

    assert "journal entries checked" in worker.run_round()  # sealed, checked: sound
    assert "journal entries checked" not in worker.last_failures
    # The daily check re-reads what was written since the last one (``audit verify --full``,
    # monthly, everything): an entry of today, changed before the next check.
    record(referent.actor, Action.VIEW_CASE, case)
    entry = JournalEntry.objects.order_by("-seq").first()
    triggers.remove(connection)  # an attacker with the database owner's password
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_journalentry SET action = %s WHERE seq = %s", ["case.list", entry.seq]
        )
    worker._last_runs.clear()  # a day later
    counts = worker.run_round()
    assert "journal entries checked" not in counts
    assert worker.last_failures["journal entries checked"] == "JournalDoesNotHold"
