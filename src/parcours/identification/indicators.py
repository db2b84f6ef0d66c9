"""The indicators of trafficking: a versioned data file (``indicators.yaml``), loaded and checked
once, in the manner of the rights catalogue (``parcours.rights.catalogue``).

The file holds the categories of the screening form (the general indicators: the eleven ILO
forced-labour indicators and HTCDS's methods of control; then one category per form of
exploitation) and the indicators: what a professional can observe, in French and English, its
source, whether ../shared/DOMAIN.md states it (``verified``), the legal element(s) of Code pénal
art. 225-4-1 it supports (``act``, ``means:<code>``, ``purpose:<code>``: the codes are the
law's, in ``parcours.identification.qualification``) and, for a method of control, the HTCDS
``MethodsOfControl`` value it maps to. Adding an indicator is a change of the data file only.

Each screening keeps the version of the file it was answered against; every version is kept in
``identification/versions/<n>.yaml`` (raise ``version`` with every change and add the copy).

A file with an unknown category, a missing source, a missing French or English text, an id
used twice or an unknown legal element stops the start (``IndicatorError``), naming the entry
and its line.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from parcours.identification.qualification import ELEMENT_CODES, parse_element
from parcours.rights.catalogue import LINE, Text, _LineLoader

PATH = Path(__file__).resolve().parent / "indicators.yaml"
VERSIONS = Path(__file__).resolve().parent / "versions"

# What a screening records for each indicator.
OBSERVED = "observed"
REPORTED = "reported"
NOT_OBSERVED = "not_observed"
UNKNOWN = "unknown"
ANSWERS = (OBSERVED, REPORTED, NOT_OBSERVED, UNKNOWN)
SUPPORTING_ANSWERS = frozenset({OBSERVED, REPORTED})

# HTCDS v2 picklist ``MethodsOfControl`` (UNMigration/HTCDS; still marked DRAFT there).
HTCDS_METHODS_OF_CONTROL = (
    "DebtBondage",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "Threats",
    "PsychologicalAbuse",
    "PhysicalAbuse",
    "SexualAbuse",
    "FalsePromises",
    "PsychoactiveSubstances",
    "RestrictsMovement",
    "RestrictsMedicalCare",
    "ExcessiveWorkingHours",
    "UsesChildren",
    "ThreatOfLawEnforcement",
    "WithholdsNecessities",
    "WithholdsDocuments",
    "Other",
)
METHODS_OF_CONTROL = "methods_of_control"

INDICATOR_KEYS = {"id", "category", "text", "source", "verified", "supports", "htcds"}
REQUIRED = {"id", "category", "text", "source", "verified", "supports"}
CATEGORY_KEYS = {"id", "title"}


class IndicatorError(ValueError):
    """The indicator file is wrong; the message names the entry and the line."""


@dataclass(frozen=True)
class Category:
    id: str
    title: Text
    line: int

    def __str__(self):
        return str(self.title)


@dataclass(frozen=True)
class Indicator:
    id: str
    category: str
    text: Text
    source: str
    verified: bool
    supports: tuple[str, ...]  # "act", "means:<code>", "purpose:<code>"
    line: int
    htcds: str = ""

    def __str__(self):
        return str(self.text)


@dataclass(frozen=True)
class IndicatorCatalogue:
    version: int
    categories: dict[str, Category] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.indicators.values())

    def __contains__(self, indicator_id) -> bool:
        return indicator_id in self.indicators

    def grouped(self) -> list[tuple[Category, list[Indicator]]]:
        """The categories in the file's order, each with its indicators (empty ones left out)."""
        groups = [(category, []) for category in self.categories.values()]
        by_id = {category.id: items for category, items in groups}
        for indicator in self:
            by_id[indicator.category].append(indicator)
        return [(category, items) for category, items in groups if items]

    def unverified(self) -> list[Indicator]:
        return [indicator for indicator in self if not indicator.verified]


def _fail(name: str, entry_id: str, line, message: str):
    where = f"entry {entry_id!r}" if entry_id else "the file"
    raise IndicatorError(f"{name}, {where} (line {line}): {message}")


def _text(name, value, entry_id, line, what) -> Text:
    if not isinstance(value, dict) or not value.get("fr") or not value.get("en"):
        _fail(name, entry_id, line, f"{what} needs a French and an English text (fr:, en:)")
    return Text(str(value["fr"]).strip(), str(value["en"]).strip())


def _identifier(name, raw, line, what) -> str:
    entry_id = raw.get("id", "")
    if not isinstance(entry_id, str) or not entry_id.isidentifier():
        _fail(
            name, "", line, f"{what} needs an id made of letters, digits and _ (got {entry_id!r})"
        )
    return entry_id


def _category(name, raw) -> Category:
    line = raw.get(LINE, "?")
    entry_id = _identifier(name, raw, line, "a category")
    if set(raw) - {LINE} != CATEGORY_KEYS:
        _fail(name, entry_id, line, "a category has an id and a title (fr:, en:)")
    return Category(entry_id, _text(name, raw["title"], entry_id, line, "the title"), line)


def _indicator(name, raw, categories) -> Indicator:
    line = raw.get(LINE, "?")
    entry_id = _identifier(name, raw, line, "an indicator")
    keys = set(raw) - {LINE}
    if keys - INDICATOR_KEYS:
        _fail(name, entry_id, line, f"unknown keys {sorted(keys - INDICATOR_KEYS)}")
    if REQUIRED - keys:
        _fail(name, entry_id, line, f"missing {sorted(REQUIRED - keys)}")
    category = raw["category"]
    if category not in categories:
        _fail(name, entry_id, line, f"unknown category {category!r} (known: {sorted(categories)})")
    source = str(raw["source"] or "").strip()
    if not source.startswith(("https://", "http://")):
        _fail(name, entry_id, line, "the source is the URL the indicator comes from")
    if not isinstance(raw["verified"], bool):
        _fail(name, entry_id, line, "verified is true or false")
    supports = raw["supports"]
    if not isinstance(supports, list) or not supports:
        _fail(
            name, entry_id, line, "supports lists the legal elements: act, means:..., purpose:..."
        )
    for element in supports:
        if parse_element(element) is None:
            _fail(
                name,
                entry_id,
                line,
                f"unknown legal element {element!r} (known: {', '.join(ELEMENT_CODES)})",
            )
    htcds = str(raw.get("htcds") or "")
    if htcds and htcds not in HTCDS_METHODS_OF_CONTROL:
        _fail(name, entry_id, line, f"unknown HTCDS method of control {htcds!r}")
    if category == METHODS_OF_CONTROL and not htcds:
        _fail(name, entry_id, line, "a method of control names its HTCDS value (htcds:)")
    return Indicator(
        id=entry_id,
        category=category,
        text=_text(name, raw["text"], entry_id, line, "the text"),
        source=source,
        verified=raw["verified"],
        supports=tuple(supports),
        line=line,
        htcds=htcds,
    )


def parse(text: str, name: str = PATH.name) -> IndicatorCatalogue:
    """Read and check an indicator file (its text); raises ``IndicatorError``."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a safe loader, with lines)
    except yaml.YAMLError as error:
        raise IndicatorError(f"{name}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise IndicatorError(f"{name}: the file needs a version number")
    if not isinstance(data.get("categories"), list) or not isinstance(data.get("indicators"), list):
        raise IndicatorError(f"{name}: the file needs a list of categories and of indicators")
    categories: dict[str, Category] = {}
    for raw in data["categories"]:
        if not isinstance(raw, dict):
            _fail(name, "", "?", "each category is a mapping")
        category = _category(name, raw)
        if category.id in categories:
            _fail(name, category.id, category.line, "this category id is used twice")
        categories[category.id] = category
    indicators: dict[str, Indicator] = {}
    for raw in data["indicators"]:
        if not isinstance(raw, dict):
            _fail(name, "", "?", "each indicator is a mapping")
        indicator = _indicator(name, raw, categories)
        if indicator.id in indicators:
            _fail(name, indicator.id, indicator.line, "this id is used twice")
        indicators[indicator.id] = indicator
    return IndicatorCatalogue(data["version"], categories, indicators)


@lru_cache(maxsize=1)
def catalogue() -> IndicatorCatalogue:
    """The indicator file shipped with Parcours (read once): new screenings use it."""
    return parse(PATH.read_text(encoding="utf-8"))


def versions() -> list[int]:
    return sorted(int(path.stem) for path in VERSIONS.glob("*.yaml") if path.stem.isdigit())


@lru_cache(maxsize=8)
def version(number: int) -> IndicatorCatalogue:
    """The indicator file a screening was answered against (each version is kept)."""
    if number == catalogue().version:
        return catalogue()
    path = VERSIONS / f"{int(number)}.yaml"
    if not path.exists():
        raise IndicatorError(f"version {number} of the indicator file is not kept in versions/")
    return parse(path.read_text(encoding="utf-8"), name=f"versions/{path.name}")
