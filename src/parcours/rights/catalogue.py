"""The rights catalogue: a versioned data file (``catalogue.yaml``), loaded and checked once.

Each entry says what the right is, its legal basis (article, code, a one-line summary, its
source, whether it was verified), who grants it, the conditions (named predicates of
``rights.facts``), the prerequisites (other rights), the delay in which the granting body
should answer, its time limits (dates computed from facts), and the ways out the law gives
when a prerequisite is missing. Adding a right or a way out is a change of the data file only.

A file that names an unknown fact or predicate, leaves out a legal basis, holds a malformed
condition or a cycle among prerequisites stops the start (``CatalogueError``), naming the entry
and its line.
"""

import datetime
import graphlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

from parcours.core.roles import OrganisationKind
from parcours.referrals.enums import REFUSAL_LABELS
from parcours.rights.facts import FACTS, PREDICATES

PATH = Path(__file__).resolve().parent / "catalogue.yaml"
LINE = "__line__"
ENTRY_KEYS = {
    "id",
    "name",
    "legal_basis",
    "granted_by",
    "service_kind",
    "conditions",
    "prerequisites",
    "answer_delay_days",
    "time_limits",
    "ways_out",
    "discretionary",
    "contested_refusals",
}
REQUIRED = {"id", "name", "legal_basis", "granted_by", "conditions"}
BASIS_KEYS = {"article", "code", "summary", "source", "verified"}
# Who grants a right: an organisation kind of the network, or a public body outside it.
OUTSIDE_BODIES = {"ofii", "court", "legal_aid_office", "hospital", "acse"}


class CatalogueError(ValueError):
    """The catalogue file is wrong; the message names the entry and the line."""


class _LineLoader(yaml.SafeLoader):
    """YAML's safe loader, keeping the line of each mapping (to name it in an error)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    def __str__(self):
        return self.en if (get_language() or "fr").startswith("en") else self.fr


@dataclass(frozen=True)
class LegalBasis:
    article: str
    code: str
    summary: Text
    source: str
    verified: bool


@dataclass(frozen=True)
class TimeLimit:
    name: str
    label: Text
    from_fact: str
    days: int

    def date(self, facts) -> datetime.date | None:
        start = facts.get(self.from_fact)
        return start + datetime.timedelta(days=self.days) if start else None


@dataclass(frozen=True)
class WayOut:
    missing: str  # a fact (a condition that fails) or a right the person does not hold
    by: str  # the right that is the way out
    note: Text


@dataclass(frozen=True)
class Right:
    id: str
    name: Text
    legal_basis: LegalBasis
    granted_by: tuple[str, ...]
    conditions: tuple  # a condition tree (see ``condition_names``)
    line: int
    service_kind: str = ""
    prerequisites: tuple[str, ...] = ()
    answer_delay_days: int | None = None
    time_limits: tuple[TimeLimit, ...] = ()
    ways_out: tuple[WayOut, ...] = ()
    # The body may refuse even when the conditions hold: no refusal of it is contrary to law.
    discretionary: bool = False
    # Refusal codes the law does not allow once the conditions hold (checked by rights.review).
    contested_refusals: tuple[str, ...] = ()

    def __str__(self):
        return str(self.name)


@dataclass(frozen=True)
class Provision:
    """What a stated requirement means: the condition that meets it (a predicate; none when no
    fact says it) and the kinds of service that provide it."""

    code: str
    met_by: str
    provided_by: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    version: int
    rights: dict[str, Right] = field(default_factory=dict)
    requirements: dict[str, Provision] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.rights.values())

    def unverified(self) -> list[Right]:
        return [right for right in self if not right.legal_basis.verified]


def _fail(entry_id: str, line, message: str):
    where = f"entry {entry_id!r}" if entry_id else "the catalogue"
    raise CatalogueError(f"{PATH.name}, {where} (line {line}): {message}")


def _text(value, entry_id, line, what) -> Text:
    if not isinstance(value, dict) or not value.get("fr") or not value.get("en"):
        _fail(entry_id, line, f"{what} needs a French and an English text (fr:, en:)")
    return Text(str(value["fr"]).strip(), str(value["en"]).strip())


def _condition(node, entry_id, line):
    """A condition: a predicate's name, a list (all must hold), {any: [...]} or {not: ...}."""
    if isinstance(node, str):
        if node not in PREDICATES:
            _fail(entry_id, line, f"unknown condition {node!r} (known: rights/facts.py)")
        return node
    if isinstance(node, list):
        return ("all", tuple(_condition(item, entry_id, line) for item in node))
    if isinstance(node, dict):
        node = {k: v for k, v in node.items() if k != LINE}
        line = node.get(LINE, line)
        if len(node) == 1 and "any" in node and isinstance(node["any"], list) and node["any"]:
            return ("any", tuple(_condition(item, entry_id, line) for item in node["any"]))
        if len(node) == 1 and "not" in node:
            return ("not", _condition(node["not"], entry_id, line))
    _fail(entry_id, line, f"malformed condition {node!r}: a name, a list, any: [...] or not: ...")


def condition_names(tree) -> set[str]:
    if isinstance(tree, str):
        return {tree}
    operator, operand = tree
    if operator == "not":
        return condition_names(operand)
    return set().union(*(condition_names(item) for item in operand)) if operand else set()


def _right(raw: dict) -> Right:
    line = raw.get(LINE, "?")
    entry_id = raw.get("id", "")
    if not isinstance(entry_id, str) or not entry_id.isidentifier():
        _fail("", line, f"an entry needs an id made of letters, digits and _ (got {entry_id!r})")
    keys = set(raw) - {LINE}
    if keys - ENTRY_KEYS:
        _fail(entry_id, line, f"unknown keys {sorted(keys - ENTRY_KEYS)}")
    if REQUIRED - keys:
        _fail(entry_id, line, f"missing {sorted(REQUIRED - keys)}")
    basis = raw["legal_basis"]
    if not isinstance(basis, dict) or BASIS_KEYS - set(basis):
        missing = sorted(BASIS_KEYS - set(basis)) if isinstance(basis, dict) else BASIS_KEYS
        _fail(entry_id, line, f"the legal basis needs {sorted(missing)}")
    basis_line = basis.get(LINE, line)
    if not str(basis["article"]).strip() or not str(basis["source"]).startswith("http"):
        _fail(entry_id, basis_line, "the legal basis needs an article and a source URL")
    if not isinstance(basis["verified"], bool):
        _fail(entry_id, basis_line, "verified is true or false")
    granted_by = raw["granted_by"]
    kinds = set(OrganisationKind.values) | OUTSIDE_BODIES
    if not isinstance(granted_by, list) or not granted_by or set(granted_by) - kinds:
        _fail(entry_id, line, f"granted_by lists organisation kinds among {sorted(kinds)}")
    limits = []
    for item in raw.get("time_limits") or []:
        item_line = item.get(LINE, line) if isinstance(item, dict) else line
        if not isinstance(item, dict) or set(item) - {LINE} != {"name", "label", "from", "days"}:
            _fail(entry_id, item_line, "a time limit has name, label, from (a date fact), days")
        if FACTS.get(item["from"]) is None or FACTS[item["from"]].kind != "date":
            _fail(entry_id, item_line, f"unknown date fact {item['from']!r}")
        if not isinstance(item["days"], int):
            _fail(entry_id, item_line, "days is a whole number")
        label = _text(item["label"], entry_id, item_line, "a time limit's label")
        limits.append(TimeLimit(item["name"], label, item["from"], item["days"]))
    ways_out = []
    for item in raw.get("ways_out") or []:
        item_line = item.get(LINE, line) if isinstance(item, dict) else line
        if not isinstance(item, dict) or set(item) - {LINE} != {"missing", "by", "note"}:
            _fail(entry_id, item_line, "a way out has missing, by and note")
        note = _text(item["note"], entry_id, item_line, "a way out's note")
        ways_out.append(WayOut(str(item["missing"]), str(item["by"]), note))
    delay = raw.get("answer_delay_days")
    if delay is not None and (not isinstance(delay, int) or delay <= 0):
        _fail(entry_id, line, "answer_delay_days is a number of days")
    prerequisites = raw.get("prerequisites") or []
    if not isinstance(prerequisites, list):
        _fail(entry_id, line, "prerequisites lists rights by id")
    discretionary = raw.get("discretionary", False)
    if not isinstance(discretionary, bool):
        _fail(entry_id, line, "discretionary is true or false")
    contested = raw.get("contested_refusals") or []
    if not isinstance(contested, list) or set(contested) - set(REFUSAL_LABELS):
        _fail(
            entry_id, line, f"contested_refusals lists refusal codes among {sorted(REFUSAL_LABELS)}"
        )
    if contested and discretionary:
        _fail(entry_id, line, "a discretionary right has no refusal contrary to law")
    return Right(
        id=entry_id,
        name=_text(raw["name"], entry_id, line, "the name"),
        legal_basis=LegalBasis(
            article=str(basis["article"]).strip(),
            code=str(basis["code"]).strip(),
            summary=_text(basis["summary"], entry_id, basis_line, "the legal basis's summary"),
            source=str(basis["source"]).strip(),
            verified=basis["verified"],
        ),
        granted_by=tuple(granted_by),
        conditions=_condition(raw["conditions"] or [], entry_id, line),
        line=line,
        service_kind=str(raw.get("service_kind") or ""),
        prerequisites=tuple(prerequisites),
        answer_delay_days=delay,
        time_limits=tuple(limits),
        ways_out=tuple(ways_out),
        discretionary=discretionary,
        contested_refusals=tuple(contested),
    )


def parse(text: str) -> Catalogue:
    """Read and check a catalogue (the text of a file); raises ``CatalogueError``."""
    from parcours.referrals.enums import ServiceKind

    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a safe loader, with lines)
    except yaml.YAMLError as error:
        raise CatalogueError(f"{PATH.name}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("rights"), list):
        raise CatalogueError(f"{PATH.name}: needs a version and a list of rights")
    if not isinstance(data.get("version"), int):
        raise CatalogueError(f"{PATH.name}: the catalogue needs a version number")
    rights: dict[str, Right] = {}
    for raw in data["rights"]:
        if not isinstance(raw, dict):
            _fail("", "?", "each right is a mapping")
        right = _right(raw)
        if right.id in rights:
            _fail(right.id, right.line, "this id is used twice")
        rights[right.id] = right
    for right in rights.values():
        for name in right.prerequisites:
            if name not in rights:
                _fail(right.id, right.line, f"unknown prerequisite {name!r}")
        for way in right.ways_out:
            if way.by not in rights:
                _fail(right.id, right.line, f"the way out {way.by!r} is not a right")
            if way.missing not in rights and way.missing not in FACTS:
                _fail(right.id, right.line, f"a way out for {way.missing!r}: no such fact/right")
        if right.service_kind and right.service_kind not in ServiceKind.values:
            _fail(right.id, right.line, f"unknown service kind {right.service_kind!r}")
    graph = graphlib.TopologicalSorter({r.id: set(r.prerequisites) for r in rights.values()})
    try:
        graph.prepare()
    except graphlib.CycleError as error:
        cycle = error.args[1]
        first = rights[cycle[0]]
        _fail(first.id, first.line, f"the prerequisites form a cycle: {' -> '.join(cycle)}")
    return Catalogue(
        version=data["version"], rights=rights, requirements=_requirements(data, ServiceKind)
    )


def _requirements(data, service_kinds) -> dict[str, Provision]:
    from parcours.referrals.enums import Requirement

    raw = data.get("requirements") or {}
    if not isinstance(raw, dict):
        raise CatalogueError(f"{PATH.name}: requirements maps each requirement code")
    found = {}
    for code, item in raw.items():
        if code == LINE:
            continue
        line = item.get(LINE, "?") if isinstance(item, dict) else "?"
        where = f"{PATH.name}, requirement {code!r} (line {line})"
        if code not in Requirement.values:
            raise CatalogueError(f"{where}: unknown requirement code")
        if not isinstance(item, dict) or set(item) - {LINE, "met_by", "provided_by"}:
            raise CatalogueError(f"{where}: met_by (a condition) and provided_by (service kinds)")
        met_by = item.get("met_by") or ""
        if met_by and met_by not in PREDICATES:
            raise CatalogueError(f"{where}: unknown condition {met_by!r}")
        kinds = item.get("provided_by") or []
        if not isinstance(kinds, list) or set(kinds) - set(service_kinds.values):
            raise CatalogueError(f"{where}: provided_by lists service kinds")
        found[code] = Provision(code, met_by, tuple(kinds))
    return found


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue shipped with Parcours (read once)."""
    return parse(PATH.read_text(encoding="utf-8"))
