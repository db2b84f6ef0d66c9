"""The stored side of alerts: one ``AlertState`` per open alert, kept in step with the rules by
the worker (``sync``): a new alert gets its state, an alert whose cause disappeared has its
state closed (it closed by itself). Nothing else about the alert is stored: its rule, case and
age come from the data each time."""

import datetime

from django.db import transaction

from parcours.alerts import rules
from parcours.alerts.models import AlertState


@transaction.atomic
def sync(now: datetime.datetime) -> dict[str, int]:
    """Open a state for each alert newly seen, close those of the alerts gone; the counts. A
    second run at the same state changes nothing; queries do not grow with the cases."""
    alerts = {alert.identity: alert for alert in rules.evaluate(now)}
    open_states = {
        (state.rule, state.case_id, state.key): state.pk
        for state in AlertState.objects.filter(closed_at__isnull=True).only(
            "pk", "rule", "case_id", "key"
        )
    }
    gone = [pk for identity, pk in open_states.items() if identity not in alerts]
    new = [
        AlertState(rule=a.rule, case_id=a.case_id, key=a.key, since=a.since, seen_at=now)
        for identity, a in alerts.items()
        if identity not in open_states
    ]
    AlertState.objects.bulk_create(new, batch_size=2000)
    closed = 0
    for start in range(0, len(gone), 2000):
        closed += AlertState.objects.filter(pk__in=gone[start : start + 2000]).update(closed_at=now)
    return {"opened": len(new), "closed": closed}


def step(now: datetime.datetime) -> int:
    """The worker's step: how many alerts opened or closed in this round."""
    counts = sync(now)
    return counts["opened"] + counts["closed"]
