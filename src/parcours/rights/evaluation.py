"""What the person is entitled to, right by right: eligible, not eligible (why), unknown (which
fact is missing, to ask), requested, granted or refused; the dates the time limits give; the
prerequisites not held and the ways out the law gives for them.

Pure: it reads a catalogue, the facts and what became of the requests; a missing fact makes a
verdict "unknown", never an error. Conditions are three-valued (Kleene): a list holds when all
hold, fails as soon as one fails, and is unknown otherwise.
"""

import datetime
import graphlib
from dataclasses import dataclass, field

from parcours.rights.catalogue import Catalogue, Right, TimeLimit, WayOut
from parcours.rights.facts import FACTS, PREDICATES, FactDef, Facts

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
UNKNOWN = "unknown"
REQUESTED = "requested"
GRANTED = "granted"
REFUSED = "refused"
HELD = {GRANTED}


@dataclass(frozen=True)
class Status:
    """What became of a request for the right (from the case's referrals)."""

    state: str  # REQUESTED, GRANTED or REFUSED
    since: datetime.datetime | None = None
    refusal_code: str = ""
    referral_ref: str = ""


@dataclass
class Verdict:
    right: Right
    state: str
    eligibility: str  # ELIGIBLE, NOT_ELIGIBLE or UNKNOWN, whatever was asked
    reasons: list[str] = field(default_factory=list)
    missing: list[FactDef] = field(default_factory=list)
    prerequisites_missing: list[str] = field(default_factory=list)
    dates: list[tuple[TimeLimit, datetime.date]] = field(default_factory=list)
    ways_out: list[WayOut] = field(default_factory=list)
    status: Status | None = None


def _check(tree, facts: Facts):
    """(True | False | None, reasons it fails, facts it misses)."""
    if isinstance(tree, str):
        predicate = PREDICATES[tree]
        value = predicate(facts)
        if value is None:
            return None, [], [name for name in predicate.needs if not facts.known(name)]
        return value, ([] if value else [str(predicate.fails)]), []
    operator, operand = tree
    if operator == "not":
        value, _reasons, missing = _check(operand, facts)
        if value is None:
            return None, [], missing
        names = sorted(_names(operand))
        return (not value), ([] if not value else [f"not {', '.join(names)}"]), []
    results = [_check(item, facts) for item in operand]
    values = [value for value, _r, _m in results]
    reasons = [reason for _v, found, _m in results for reason in found]
    missing = [name for _v, _r, found in results for name in found]
    if operator == "all":
        if False in values:
            return False, reasons, []
        return (None, [], missing) if None in values else (True, [], [])
    if True in values:  # any
        return True, [], []
    return (None, [], missing) if None in values else (False, reasons, [])


def holds(tree, facts: Facts) -> bool | None:
    """Whether a condition holds for the facts: True, False or None (not known)."""
    return _check(tree, facts)[0]


def _names(tree) -> set[str]:
    from parcours.rights.catalogue import condition_names

    return condition_names(tree)


def _unique(names) -> list[str]:
    return list(dict.fromkeys(names))


def evaluate(catalogue: Catalogue, facts: Facts, statuses: dict | None = None) -> dict:
    """Right id -> ``Verdict``, prerequisites before the rights that need them."""
    statuses = statuses or {}
    order = graphlib.TopologicalSorter({r.id: set(r.prerequisites) for r in catalogue})
    verdicts: dict[str, Verdict] = {}
    for right_id in order.static_order():
        right = catalogue.rights[right_id]
        value, reasons, missing = _check(right.conditions, facts)
        eligibility = {True: ELIGIBLE, False: NOT_ELIGIBLE, None: UNKNOWN}[value]
        status = statuses.get(right_id)
        verdict = Verdict(
            right=right,
            state=status.state if status else eligibility,
            eligibility=eligibility,
            reasons=_unique(reasons),
            missing=[FACTS[name] for name in _unique(missing)],
            status=status,
        )
        verdict.prerequisites_missing = [
            name for name in right.prerequisites if verdicts[name].state not in HELD
        ]
        verdict.dates = [(limit, day) for limit in right.time_limits if (day := limit.date(facts))]
        verdict.ways_out = [way for way in right.ways_out if _applies(way, facts, verdicts)]
        verdicts[right_id] = verdict
    return {right.id: verdicts[right.id] for right in catalogue}


def _applies(way: WayOut, facts: Facts, verdicts) -> bool:
    """A way out is offered when what it replaces is missing: a fact known to be false (no
    address), or a right the person does not hold."""
    if way.missing in verdicts:
        return verdicts[way.missing].state not in HELD
    return facts.get(way.missing) is False
