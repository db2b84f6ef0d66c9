"""The steps of the periodic work (``parcours worker``), registered by the apps that own them.

Each app says in its ``AppConfig.ready`` which idempotent step it adds to a round (a function
of the time of the round that answers how many things it did): referrals expire, lost contacts
are marked, pending e-mails are sent... This module only runs them, in the order of their
``order`` (then of registration), each on its own: one that fails is reported and the others run.
A step derives its work from the state, so a restart or a second round does nothing twice.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from django.db import connection, connections
from django.utils import timezone


@dataclass(frozen=True)
class Step:
    label: str  # what the round's summary line calls its count
    run: Callable[[datetime.datetime], int]
    order: int
    # At most once per ``every`` in a process (retention, the journal's check: daily); None,
    # every round. A restarted worker runs it at its first round: the steps are idempotent.
    every: datetime.timedelta | None = None


logger = structlog.get_logger("parcours.worker")

_STEPS: dict[str, Step] = {}
# What must hold before the first round (a key a step needs): each raises ImproperlyConfigured
# with a message saying what to set, and the worker refuses to start.
_CHECKS: list[Callable[[], object]] = []


def register(
    label: str,
    run: Callable[[datetime.datetime], int],
    *,
    order: int = 50,
    every: datetime.timedelta | None = None,
) -> None:
    """Add a step to every round, or to a round every ``every`` (again under the same label:
    replaced, never run twice)."""
    _STEPS[label] = Step(label, run, order, every)


# When each step that runs every so often last went through, in this process (by label).
_last_runs: dict[str, datetime.datetime] = {}


def _due(step: Step, now: datetime.datetime) -> bool:
    last = _last_runs.get(step.label)
    return step.every is None or last is None or not (last <= now < last + step.every)


def register_check(check: Callable[[], object]) -> None:
    """Add a check run once when the worker starts (registered again: kept once)."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def check() -> None:
    """Run the start-up checks; the first that fails raises ImproperlyConfigured."""
    for each in _CHECKS:
        each()


def steps() -> list[Step]:
    return sorted(_STEPS.values(), key=lambda step: step.order)


def run_round(now: datetime.datetime | None = None) -> dict[str, int]:
    """One round of every registered step, at one time; their counts by label. A step that
    fails is rolled back alone, logged (its label and the error's class, nothing of the data)
    and left out of the counts: the other steps run (``last_failures`` says which failed)."""
    now = now or timezone.now()
    counts, failures = {}, {}
    for step in steps():
        if not _due(step, now):
            continue  # ran less than ``every`` ago: not in this round's counts
        try:
            # Not wrapped in a transaction: a step commits as it goes (an e-mail is marked sent
            # as soon as it is sent), so that a kill loses or repeats nothing.
            counts[step.label] = step.run(now)
            if step.every is not None:
                _last_runs[step.label] = now
        except Exception as error:  # noqa: BLE001 (one step's failure must not stop the round)
            failures[step.label] = type(error).__name__
            logger.error("worker_step_failed", step=step.label, error=type(error).__name__)
            if not connection.in_atomic_block:
                # A broken connection (a failover) is not reused: the next step reconnects.
                connections.close_all()
    last_failures.clear()
    last_failures.update(failures)
    return counts


# The steps that failed in the latest round of this process, by label: the error's class.
last_failures: dict[str, str] = {}


def beat(started: datetime.datetime, counts: dict, failures: dict, name: str | None = None):
    """Record this worker's latest round (its heartbeat)."""
    import socket

    from django.db.models import F

    from parcours.alerts.models import WorkerHeartbeat

    name = name or socket.gethostname()
    values = {"started_at": started, "finished_at": timezone.now(), "counts": counts,
              "failures": failures}  # fmt: skip
    updated = WorkerHeartbeat.objects.filter(name=name).update(rounds=F("rounds") + 1, **values)
    if not updated:
        WorkerHeartbeat.objects.get_or_create(name=name, defaults={"rounds": 1, **values})


STALE_AFTER = datetime.timedelta(minutes=15)  # three rounds of the default five minutes


def latest_beat():
    """The most recent round of any worker, or None if none ran."""
    from parcours.alerts.models import WorkerHeartbeat

    return WorkerHeartbeat.objects.order_by("-finished_at").first()
