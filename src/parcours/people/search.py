"""Search of people by name, initials, date of birth or phone, through keyed blind indexes:
no name is stored in clear, and a search decrypts nothing.

Each person has tokens (``SearchToken``), each the keyed digest (``KeyRing.blind_index``) of
one normalised value:

- ``name``: each part of their given names, family name and aliases, transliterated to ASCII
  (``anyascii``: "Trần Thị Mai" gives ``tran``, ``thi``, ``mai``; ș and ş both give ``s``, đ
  gives ``d``, Cyrillic is romanised) then folded (``core.crypto.normalise``);
- ``prefix``: the beginnings of those parts, from three letters (``ngu`` finds Nguyen);
- ``initial``: the first letter of each part (``t`` finds Thị);
- ``birth``: the year, the month and the day of birth as far as they are known, and for a
  partial date what it leaves open (a person born "in 1998" is found by ``12/04/1998`` too,
  ranked lower);
- ``phone``: the E.164 form of the number (``people.phones``).

A query is cut into terms (a date is one term, a phone number written with spaces is one term);
a person matches when **every** term matches one of their tokens, in any order: "tran t mai",
"MAI TRAN" and "Tran Mai 1998" all find Trần Thị Mai. Each term is matched in the database
through the digest index, inside a subquery of the people the reader may see: the search never
leaves the database as a national list of ids. :func:`rank` then says, for the candidates, how
well and why each matched (a whole name scores more than its beginning, which scores more than
an initial).
"""

import re
from dataclasses import dataclass

from anyascii import anyascii
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from parcours.core.crypto import keyring, normalise
from parcours.people.models import Person, SearchToken
from parcours.people.phones import phone_digest

NAME_PURPOSE = "person-name"
PREFIX_PURPOSE = "person-name-prefix"
INITIAL_PURPOSE = "person-name-initial"
BIRTH_PURPOSE = "person-birth"
MIN_PREFIX = 3  # shorter beginnings would match half the names of a country
MAX_TERMS = 8

KIND = SearchToken.Kind
# How much each kind of match counts in the ranking.
WEIGHTS = {"name": 4, "prefix": 2, "initial": 1, "day": 4, "month": 3, "year": 2, "open": 1}
WEIGHTS["phone"] = 6

_DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(19|20)\d{2}$")


def name_parts(text: str) -> list[str]:
    """The searchable parts of a name: transliterated, folded, split on spaces and hyphens."""
    return normalise(anyascii(text or "")).split()


def _digest(value: str, purpose: str) -> str:
    return keyring().blind_index(value, purpose)


def _birth_values(birth: dict | None) -> set[str]:
    """``y1998``, ``m1998-04``, ``d1998-04-12`` as far as known; ``yo1998`` (year only) or
    ``mo1998-04`` (no day) for a partial date, so that a full date typed still finds it."""
    birth = birth or {}
    year, month, day = birth.get("year"), birth.get("month"), birth.get("day")
    if not year:
        return set()
    values = {f"y{year}"}
    if month:
        values.add(f"m{year}-{month:02d}")
        if day:
            values.add(f"d{year}-{month:02d}-{day:02d}")
        else:
            values.add(f"mo{year}-{month:02d}")
    else:
        values.add(f"yo{year}")
    return values


def tokens_for(person) -> set[tuple[str, str]]:
    """Every (kind, digest) token of a person (a model instance, current or historical)."""
    names = [person.given_names, person.family_name, *(person.aliases or [])]
    parts = {part for name in names for part in name_parts(name)}
    tokens = set()
    for part in parts:
        tokens.add((KIND.NAME, _digest(part, NAME_PURPOSE)))
        tokens.add((KIND.INITIAL, _digest(part[0], INITIAL_PURPOSE)))
        for end in range(MIN_PREFIX, len(part)):
            tokens.add((KIND.PREFIX, _digest(part[:end], PREFIX_PURPOSE)))
    for value in _birth_values(person.birth_date):
        tokens.add((KIND.BIRTH, _digest(value, BIRTH_PURPOSE)))
    phone = phone_digest(person.phone or "")
    if phone:
        tokens.add((KIND.PHONE, phone))
    return tokens


def reindex(person: Person) -> None:
    """Replace the person's search tokens after a change of identity."""
    person.search_tokens.all().delete()
    SearchToken.objects.bulk_create(
        [
            SearchToken(person=person, kind=kind, digest=digest)
            for kind, digest in tokens_for(person)
        ]
    )


# -- the query -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One term of a query and the digests that satisfy it, each with how it matched."""

    text: str
    options: dict[str, str]  # digest -> kind of match (a key of WEIGHTS)


def _date_term(raw: str) -> Term | None:
    day = month = year = None
    if found := _DAY.match(raw):
        day, month, year = (int(g) for g in found.groups())
    elif found := _ISO_DAY.match(raw):
        year, month, day = (int(g) for g in found.groups())
    elif found := _MONTH.match(raw):
        month, year = (int(g) for g in found.groups())
    elif found := _ISO_MONTH.match(raw):
        year, month = (int(g) for g in found.groups())
    elif _YEAR.match(raw):
        year = int(raw)
    else:
        return None
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    if day:
        options = {f"d{year}-{month:02d}-{day:02d}": "day", f"mo{year}-{month:02d}": "open"}
        options[f"yo{year}"] = "open"
    elif month:
        options = {f"m{year}-{month:02d}": "month", f"yo{year}": "open"}
    else:
        options = {f"y{year}": "year"}
    return Term(raw, {_digest(value, BIRTH_PURPOSE): kind for value, kind in options.items()})


def _name_term(part: str) -> Term:
    if len(part) == 1:
        return Term(part, {_digest(part, INITIAL_PURPOSE): "initial"})
    options = {_digest(part, NAME_PURPOSE): "name"}
    if len(part) >= MIN_PREFIX:
        options[_digest(part, PREFIX_PURPOSE)] = "prefix"
    return Term(part, options)


def parse(query: str) -> list[Term]:
    """The terms of a query: dates as dates, the rest as name parts (at most ``MAX_TERMS``).
    A query that is a phone number as a whole is one term."""
    query = (query or "").strip()
    is_number = any(ch.isdigit() for ch in query) and not any(ch.isalpha() for ch in query)
    phone = phone_digest(query) if is_number and not _date_term(query) else None
    if phone:
        return [Term(query, {phone: "phone"})]
    terms = []
    for raw in query.split():
        term = _date_term(raw)
        if term is not None:
            terms.append(term)
        else:
            terms.extend(_name_term(part) for part in name_parts(raw))
    return terms[:MAX_TERMS]


def matching_people(query: str, among: QuerySet | None = None) -> QuerySet:
    """A subquery of the ids of the people matching every term of ``query`` (among the ids of
    ``among``, a subquery of people ids, when given): for ``person_id__in=`` inside a scoped
    queryset, so that the search never leaves the database as a national list of ids."""
    terms = parse(query)
    if not terms:
        return SearchToken.objects.none().values("person_id")
    first, *others = terms
    found = SearchToken.objects.filter(digest__in=list(first.options))
    if among is not None:
        found = found.filter(person_id__in=among)
    for term in others:
        found = found.filter(
            person_id__in=SearchToken.objects.filter(digest__in=list(term.options)).values(
                "person_id"
            )
        )
    return found.order_by().values("person_id").distinct()


def matching_person_ids(query: str) -> set[int]:
    """Ids of people matching ``query``, nationally and unscoped: for checks (retention,
    tests), never for a page; pages go through :func:`matching_people` inside a scope."""
    return set(matching_people(query).values_list("person_id", flat=True))


# -- ranking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    person_id: int
    score: int
    reasons: list[str]  # why it matched, one phrase per term, in the reader's language


def _reason(term: Term, kind: str) -> str:
    labels = {
        "name": _("“%(term)s”: a name"),
        "prefix": _("“%(term)s”: the start of a name"),
        "initial": _("“%(term)s”: an initial"),
        "day": _("%(term)s: the date of birth"),
        "month": _("%(term)s: the month of birth"),
        "year": _("%(term)s: the year of birth"),
        "open": _("%(term)s: fits a partial date of birth"),
        "phone": _("the phone number"),
    }
    return labels[kind] % {"term": term.text}


def rank(query: str, person_ids) -> dict[int, Match]:
    """How each of ``person_ids`` (people already found by :func:`matching_people`) matched
    ``query``: the best match of each term, summed. Reads their tokens, never their names."""
    terms = parse(query)
    person_ids = list(person_ids)
    wanted = {digest for term in terms for digest in term.options}
    held: dict[int, set[str]] = {pk: set() for pk in person_ids}
    rows = SearchToken.objects.filter(person_id__in=person_ids, digest__in=wanted)
    for pk, digest in rows.values_list("person_id", "digest"):
        held[pk].add(digest)
    matches = {}
    for pk, digests in held.items():
        score, reasons = 0, []
        for term in terms:
            kinds = [kind for digest, kind in term.options.items() if digest in digests]
            if not kinds:
                break
            best = max(kinds, key=WEIGHTS.__getitem__)
            score += WEIGHTS[best]
            reasons.append(_reason(term, best))
        else:
            matches[pk] = Match(pk, score, reasons)
    return matches
