"""Alert rules (issue 15): each a small module of this package whose ``RULE`` reads the current
data and answers the alerts it sees open, registered in ``RULES`` below. Adding a rule is one
module and one line here.

Alerts are derived, never stored twice: evaluating the rules over the data gives the open
alerts; an alert whose cause disappears is simply no longer given (``alerts.tracking`` stores
only who saw, acknowledged, resolved or escalated one, and when). A rule makes a fixed number
of queries whatever the number of cases, and names a case by its id, never a person: what a
reader sees of the case still comes from the redaction object.

Thresholds are settings (``ALERT_THRESHOLDS``, by rule code), read at each evaluation.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings

from parcours.cases.enums import CaseStatus
from parcours.referrals.enums import ServiceKind

# The cases alerts watch: a closed case raises none.
WATCHED = (CaseStatus.OPEN, CaseStatus.IN_SAFETY, CaseStatus.FOLLOWED, CaseStatus.CONTACT_LOST)


@dataclass(frozen=True)
class Alert:
    """One open alert: a rule's, on a case (``key`` tells several of one rule on one case apart,
    a task's id, a kind of service), open ``since`` its cause appeared (the escalation's delays
    count from then), with non-identifying ``params`` for its message (a count, a number of
    days, a kind of service)."""

    rule: str
    case_id: int
    key: str
    since: datetime.datetime
    params: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def identity(self) -> tuple[str, int, str]:
        return (self.rule, self.case_id, self.key)


@dataclass(frozen=True)
class Rule:
    code: str
    # (now, cases) -> the open alerts; ``cases``: None for every watched case, or a queryset of
    # case ids to look at only these (a reader's scope).
    find: Callable[[datetime.datetime, object], Iterable[Alert]]
    urgency: int  # 0 most urgent; dashboards sort by it, then by age
    title: str = ""  # what the dashboards call it (a lazy translation)
    # The field groups the alert's existence tells about (a residence card expiring is
    # immigration, a critical danger is safety): it is shown only to a reader who sees every one
    # of them on the case (the redaction object), and escalates only to coordinators who do.
    groups: frozenset = frozenset()
    # (params) -> the sentence that says more of one alert than its title (a count, a number
    # of days, a kind of service: never a name, never a place), or None.
    detail: Callable[[dict], str] | None = None


def detail_of(alert: Alert) -> str:
    """What the dashboards say of ``alert`` under its rule's title ("" if nothing)."""
    rule = rules().get(alert.rule)
    return str(rule.detail(alert.params)) if rule is not None and rule.detail else ""


def kind_label(kind: str) -> str:
    """A kind of service as the dashboards name it (its code if no longer known)."""
    try:
        return str(ServiceKind(kind).label)
    except ValueError:
        return kind


def shown_to(groups_seen, rule_code: str) -> bool:
    """Whether a reader who sees ``groups_seen`` on a case may be shown the rule's alerts."""
    rule = rules().get(rule_code)  # a state of a rule since removed: shown to nobody
    return rule is not None and rule.groups <= frozenset(groups_seen)


def codes_shown_to(groups_seen) -> list[str]:
    """The rules whose alerts a reader who sees ``groups_seen`` may be shown."""
    return [code for code in rules() if shown_to(groups_seen, code)]


def threshold(code: str) -> dict:
    """The rule's thresholds: its defaults, with the setting's values over them."""
    return {**ESCALATION, **DEFAULTS[code], **settings.ALERT_THRESHOLDS.get(code, {})}


# Escalation (``alerts.escalation``), for every rule unless it says otherwise: to the territorial
# coordination when unacknowledged ``territorial_hours`` after it opened (or unresolved
# ``national_hours``), then to the national coordination when still unresolved
# ``national_hours`` after that.
ESCALATION = {"territorial_hours": 48, "national_hours": 168}

DEFAULTS = {
    # S1: the third refusal of the 115 in seven days is the territorial coordinator's at once.
    "repeated_refusals": {"count": 3, "days": 7, "territorial_hours": 0},
    "danger_without_shelter": {"hours": 24, "territorial_hours": 0},
    "no_safety_assessment": {"hours": 48},
    "task_overdue": {"days": 0},
    "no_contact": {"days": 21},
    "card_expiring": {"days": 60},
    "danger_zone_attempt": {"days": 7},
    "blocked_pathway": {"days": 14},
    # referral_unanswered: each kind of service's delay (``referrals.enums.ANSWER_DELAY_HOURS``)
    # turning_18: TURNING_18_NOTICE_MONTHS, the setting the minors' route already has
    "referral_unanswered": {},
    "refusal_contrary": {},
    "turning_18": {},
    # reflection_ending: REFLECTION_ALERT_DAYS, the setting the reflection period already has
}


def _rules() -> list[Rule]:
    from parcours.alerts.rules import (
        blocked_pathway,
        card_expiring,
        danger_without_shelter,
        danger_zone_attempt,
        no_contact,
        no_safety_assessment,
        referral_unanswered,
        reflection_ending,
        refusal_contrary,
        repeated_refusals,
        task_overdue,
        turning_18,
    )

    return [
        danger_without_shelter.RULE,
        danger_zone_attempt.RULE,
        repeated_refusals.RULE,
        refusal_contrary.RULE,
        reflection_ending.RULE,
        card_expiring.RULE,
        referral_unanswered.RULE,
        blocked_pathway.RULE,
        no_safety_assessment.RULE,
        no_contact.RULE,
        task_overdue.RULE,
        turning_18.RULE,
    ]


RULES: dict[str, Rule] = {}


def rules() -> dict[str, Rule]:
    if not RULES:
        RULES.update((rule.code, rule) for rule in _rules())
    return RULES


def evaluate(now: datetime.datetime, cases=None) -> list[Alert]:
    """Every open alert at ``now`` (of the cases of ``cases``, a queryset of ids, when given),
    most urgent rule first, then oldest first."""
    found = []
    for rule in sorted(rules().values(), key=lambda r: r.urgency):
        found.extend(sorted(rule.find(now, cases), key=lambda a: (a.since, a.case_id, a.key)))
    return found


def within(queryset, cases, field_name: str = "case"):
    """``queryset`` cut to the cases of ``cases`` (None: all of them)."""
    if cases is None:
        return queryset
    return queryset.filter(**{f"{field_name}__in": cases})
