"""What a reader is shown of the open alerts ("my alerts"): a caseworker, manager or facility
staff, the alerts of the cases her organisation holds; a coordinator, the alerts escalated to
coordination on the cases she sees. Always within the reader's scope (``access.scopes``): an
alert never shows a case the reader could not open, nor tells about a field group the reader does
not see on it (``Rule.groups``, judged by the redaction object). Most urgent rule first, then
oldest."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from parcours.access import rules as access
from parcours.access.redaction import case_view
from parcours.access.scopes import visible_cases
from parcours.alerts import rules
from parcours.alerts.models import AlertState
from parcours.alerts.rules import Alert
from parcours.core.groups import COORDINATION_GROUPS, ROLE_GROUP_CAP

LIMIT = 200


@dataclass(frozen=True)
class Line:
    alert: Alert
    case: object
    state: AlertState | None
    title: str
    detail: str = ""  # the rule's sentence on this alert (a count, a delay, a kind of service)

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
    shown = set(reader_codes(actor))  # the rules whose groups the reader's role may see
    found = [a for a in found if a.rule in shown][:limit]
    by_id = visible_cases(actor).select_related("referent_org").in_bulk({a.case_id for a in found})
    titles = {code: rule.title for code, rule in rules.rules().items()}
    return [
        Line(a, by_id[a.case_id], states.get(a.identity), titles[a.rule], rules.detail_of(a))
        for a in found
        if a.case_id in by_id and rules.shown_to(case_view(actor, by_id[a.case_id]).groups, a.rule)
    ]


def reader_codes(actor) -> list[str]:
    """The rules whose alerts ``actor`` may be shown on the cases "my alerts" lists: those of
    the organisation that holds the case see what their role may see of it (the referent sees
    every group, within the role's cap); a coordinator, the coordination's groups."""
    seen = ROLE_GROUP_CAP.get(actor.role, frozenset())
    if access.is_coordinator(actor):
        seen = seen & COORDINATION_GROUPS
    return rules.codes_shown_to(seen)


def open_states(actor):
    """The open alerts, as the worker last stored them, that ``actor`` has to deal with (the
    header's count beside "My alerts"): not yet dealt with, on the cases her organisation holds
    or, for a coordinator, escalated to coordination on the cases she sees. A stored state
    lags the live evaluation by a worker round at most (five minutes); the page itself is live."""
    cases = visible_cases(actor)
    states = AlertState.objects.filter(
        closed_at__isnull=True, resolved_at__isnull=True, rule__in=reader_codes(actor)
    )
    if access.is_coordinator(actor):
        states = states.filter(escalation__gte=1)
    else:
        cases = cases.filter(referent_org_id=actor.organisation_id)
    return states.filter(case__in=cases.values("pk"))


# The ages a coordinator's summary counts alerts by: open for less than a day, a week, a month,
# or longer (since their cause appeared).
AGES = (
    ("day", datetime.timedelta(days=1)),
    ("week", datetime.timedelta(days=7)),
    ("month", datetime.timedelta(days=30)),
    ("older", None),
)


@dataclass(frozen=True)
class SummaryRow:
    title: str
    counts: tuple[int, ...]  # by AGES, in order
    oldest: datetime.datetime

    @property
    def total(self) -> int:
        return sum(self.counts)


def summary(lines: list[Line], now: datetime.datetime | None = None) -> list[SummaryRow]:
    """The lines counted by rule and age, the rule whose oldest alert is oldest first."""
    now = now or timezone.now()
    by_rule: dict[str, list[Line]] = {}
    for line in lines:
        by_rule.setdefault(line.alert.rule, []).append(line)
    rows = []
    for rule_lines in by_rule.values():
        counts = [0] * len(AGES)
        for line in rule_lines:
            age = now - line.since
            index = next(i for i, (_n, limit) in enumerate(AGES) if limit is None or age < limit)
            counts[index] += 1
        oldest = min(line.since for line in rule_lines)
        rows.append(SummaryRow(rule_lines[0].title, tuple(counts), oldest))
    return sorted(rows, key=lambda row: row.oldest)
