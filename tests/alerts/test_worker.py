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
