"""French communes, shipped as data: a place entered by hand is typed as a commune or a postcode.

The data lives in ``data/communes.csv`` (columns, sources, licences and coverage in
``data/README.md``): the communes of the 101 départements (INSEE's Code officiel géographique,
with La Poste's postcodes) that have a position from GeoNames — 14,792 of 34,875, 91 % of the
population; the smallest villages have none and are not in the file. Lyon's and Marseille's
municipal arrondissements are rows of their own, and their postcodes lead to them. The file is
read once.

- :func:`find` ranks the communes a text may mean: a postcode (5 digits) gives the communes
  that carry it; a name is compared without case, accents, hyphens, apostrophes or spaces, and
  "St"/"Ste" stand for "Saint"/"Sainte"; exact names first, then names that start with the
  text, the most populous first. A name may be followed by its département or postcode in
  brackets, as the communes are labelled (``"Saint-Denis (93)"``).
- :func:`resolve` is what a form asks: the one commune the text means, or
  :class:`CommuneNotFound` / :class:`SeveralCommunes` with a message in the reader's language
  (the latter listing the labels to pick from).
"""

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.core.errors import DomainError

DATA = Path(__file__).resolve().parent / "data" / "communes.csv"
POSTCODE = re.compile(r"^\d{5}$")
# "Saint-Denis (93)", "Saint-Denis (93200)", "93200 Saint-Denis", "Saint-Denis 93200"
BRACKETED = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<tag>[0-9][0-9AaBb]|97\d|\d{5})\s*\)$")
LEADING_POSTCODE = re.compile(r"^(?P<tag>\d{5})[\s,]+(?P<name>\D.*)$")
TRAILING_POSTCODE = re.compile(r"^(?P<name>.*\D)[\s,]+(?P<tag>\d{5})$")
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
SHOWN = 8  # communes listed when a text means several


class Commune(NamedTuple):
    """One row of the data file: INSEE code, name, département, postcodes, point (WGS 84)."""

    code: str
    name: str
    departement: str
    postcodes: tuple[str, ...]
    lat: float
    lon: float
    population: int

    @property
    def label(self) -> str:
        """The name with its département, as a form shows it and accepts it back."""
        return f"{self.name} ({self.departement})"


class CommuneNotFound(DomainError):
    """No commune of the list is meant by the text."""


class SeveralCommunes(DomainError):
    """The text means several communes: ``choices`` lists them, the likeliest first."""

    def __init__(self, message: str, choices: list[Commune]):
        super().__init__(message)
        self.choices = choices


def key(text: str) -> str:
    """What two spellings of a commune's name share: ``"St-Étienne"``, ``"saint etienne"`` and
    ``"SAINT ÉTIENNE"`` give ``"saintetienne"``; ``"L'Haÿ-les-Roses"``, ``"lhay les roses"``."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return "".join(ABBREVIATIONS.get(word, word) for word in text.split())


class _Index(NamedTuple):
    by_code: dict[str, Commune]
    by_key: dict[str, list[Commune]]
    by_postcode: dict[str, list[Commune]]
    keys: list[tuple[str, Commune]]  # sorted by key, for the prefix search


def _likeliest(communes) -> list[Commune]:
    return sorted(communes, key=lambda c: (-c.population, c.departement, c.name))


@lru_cache(maxsize=1)
def _index() -> _Index:
    by_code, by_key, by_postcode = {}, {}, {}
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            commune = Commune(
                code=row["code"],
                name=row["name"],
                departement=row["departement"],
                postcodes=tuple(row["postcodes"].split()),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(row["population"] or 0),
            )
            by_code[commune.code] = commune
            by_key.setdefault(key(commune.name), []).append(commune)
            for postcode in commune.postcodes:
                by_postcode.setdefault(postcode, []).append(commune)
    return _Index(
        by_code=by_code,
        by_key={k: _likeliest(v) for k, v in by_key.items()},
        by_postcode={k: _likeliest(v) for k, v in by_postcode.items()},
        keys=sorted((key(c.name), c) for c in by_code.values()),
    )


def communes() -> dict[str, Commune]:
    """Every commune of the file by INSEE code."""
    return _index().by_code


def by_code(code: str) -> Commune | None:
    return _index().by_code.get(code)


def _split(text: str) -> tuple[str, str]:
    """``(name, tag)``: the tag is a département or a postcode given beside the name."""
    for pattern in (BRACKETED, LEADING_POSTCODE, TRAILING_POSTCODE):
        found = pattern.match(text)
        if found and found["name"].strip():
            return found["name"].strip(), found["tag"].upper()
    return text, ""


def _fits(commune: Commune, tag: str) -> bool:
    """Whether the commune has this département code or this postcode (none: any)."""
    if not tag:
        return True
    if len(tag) == 5:
        return tag in commune.postcodes
    return commune.departement == tag


def find(text: str, limit: int | None = 20) -> list[Commune]:
    """The communes ``text`` may mean, best first (see the module's docstring); at most
    ``limit`` of them (``None``: all)."""
    return _matches(" ".join((text or "").split()))[:limit]


def _matches(text: str) -> list[Commune]:
    if not text:
        return []
    index = _index()
    if POSTCODE.match(text):
        return index.by_postcode.get(text, [])
    name, tag = _split(text)
    wanted = key(name)
    if not wanted:
        return []
    exact = [c for c in index.by_key.get(wanted, []) if _fits(c, tag)]
    start = _bisect(index.keys, wanted)
    prefix = []
    for found_key, commune in index.keys[start:]:
        if not found_key.startswith(wanted):
            break
        if found_key != wanted and _fits(commune, tag):
            prefix.append(commune)
    return exact + _likeliest(prefix)


def _bisect(keys, wanted: str) -> int:
    low, high = 0, len(keys)
    while low < high:
        middle = (low + high) // 2
        if keys[middle][0] < wanted:
            low = middle + 1
        else:
            high = middle
    return low


def resolve(text: str) -> Commune:
    """The one commune ``text`` means (a name, a postcode, a name with its département or
    postcode in brackets); otherwise :class:`CommuneNotFound` or :class:`SeveralCommunes`."""
    text = " ".join((text or "").split())
    if not text:
        raise CommuneNotFound(_("Type the name of a commune or its postcode."))
    found = find(text, limit=None)
    if not found:
        if POSTCODE.match(text):
            raise CommuneNotFound(
                _(
                    "No commune of Parcours' list has the postcode %(postcode)s: type the "
                    "commune's name, or that of the nearest town."
                )
                % {"postcode": text}
            )
        raise CommuneNotFound(
            _(
                "No commune called “%(text)s” is known to Parcours: check the spelling, or type "
                "its postcode or the nearest town (the smallest villages are not in the list)."
            )
            % {"text": text}
        )
    candidates = found
    if not POSTCODE.match(text):  # an exact name wins over the names it begins
        name, _tag = _split(text)
        candidates = [c for c in found if key(c.name) == key(name)] or found
    if len(candidates) == 1:
        return candidates[0]
    shown = ", ".join(c.label for c in candidates[:SHOWN])
    more = len(candidates) - SHOWN
    values = {"text": text, "communes": shown, "n": more}
    if more > 0:
        message = ngettext(
            "“%(text)s” may be %(communes)s or %(n)d other commune: type the one you mean "
            "with its département, as written here.",
            "“%(text)s” may be %(communes)s or %(n)d other communes: type the one you mean "
            "with its département, as written here.",
            more,
        )
    else:
        message = _(
            "“%(text)s” may be %(communes)s: type the one you mean with its département, as "
            "written here."
        )
    raise SeveralCommunes(message % values, candidates)
