"""The steps of the periodic work (``parcours worker``), registered by the apps that own them.

Each app says in its ``AppConfig.ready`` which idempotent step it adds to a round (a function
of the time of the round that answers how many things it did): referrals expire, lost contacts
are marked, pending e-mails are sent... The kernel only runs them, in the order of their
``order`` (then of registration), and knows no app. A step derives its work from the state, so
a restart or a second round does nothing twice.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Step:
    label: str  # what the round's summary line calls its count
    run: Callable[[datetime.datetime], int]
    order: int


_STEPS: dict[str, Step] = {}
# What must hold before the first round (a key a step needs): each raises ImproperlyConfigured
# with a message saying what to set, and the worker refuses to start.
_CHECKS: list[Callable[[], object]] = []


def register(label: str, run: Callable[[datetime.datetime], int], *, order: int = 50) -> None:
    """Add a step to every round (again under the same label: replaced, never run twice)."""
    _STEPS[label] = Step(label, run, order)


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
    """One round of every registered step, at one time; their counts by label."""
    now = now or timezone.now()
    return {step.label: step.run(now) for step in steps()}
