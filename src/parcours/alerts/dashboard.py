"""What a reader is shown of the open alerts ("my alerts"): a caseworker, manager or facility
staff, the alerts of the cases her organisation holds; a coordinator, the alerts escalated to
coordination on the cases she sees. Always within the reader's scope (``access.scopes``): an
alert never shows a case the reader could not open. Most urgent rule first, then oldest."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from parcours.access import rules as access
from parcours.access.scopes import visible_cases
from parcours.alerts import rules
from parcours.alerts.models import AlertState
from parcours.alerts.rules import Alert

LIMIT = 200


@dataclass(frozen=True)
class Line:
    alert: Alert
    case: object
    state: AlertState | None
    title: str

    @property
    def since(self) -> datetime.datetime:
        return self.alert.since


def alerts_of(actor, now: datetime.datetime | None = None, limit: int = LIMIT) -> list[Line]:
    now = now or timezone.now()
    coordinator = access.is_coordinator(actor)
    cases = visible_cases(actor)
    if coordinator:
        escalated = AlertState.objects.filter(
            closed_at__isnull=True, resolved_at__isnull=True, escalation__gte=1
        )
        cases = cases.filter(pk__in=escalated.values("case_id"))
    else:
        cases = cases.filter(referent_org_id=actor.organisation_id)
    ids = cases.values("pk")
    found = rules.evaluate(now, ids)
    states = {
        (s.rule, s.case_id, s.key): s
        for s in AlertState.objects.filter(closed_at__isnull=True, case__in=ids)
    }
    if coordinator:
        found = [
            a for a in found
            if (s := states.get(a.identity)) and s.escalation >= 1 and s.resolved_at is None
        ]  # fmt: skip
    found = found[:limit]
    by_id = visible_cases(actor).select_related("referent_org").in_bulk({a.case_id for a in found})
    titles = {code: rule.title for code, rule in rules.rules().items()}
    return [
        Line(a, by_id[a.case_id], states.get(a.identity), titles[a.rule])
        for a in found
        if a.case_id in by_id
    ]
