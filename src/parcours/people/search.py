"""Exact search of people by name or phone through keyed blind indexes (phone numbers in
their E.164 form: :mod:`parcours.people.phones`)."""

from django.db.models import Q, QuerySet

from parcours.core.crypto import keyring, normalise
from parcours.people.models import Person, SearchToken
from parcours.people.phones import phone_digest

NAME_PURPOSE = "person-name"


def name_digests(person: Person) -> set[str]:
    """Each name alone and together, so 'Adam', 'Diallo' and 'Adam Diallo' all find him."""
    ring = keyring()
    names = [person.given_names, person.family_name, *(person.aliases or [])]
    values = {normalise(name) for name in names if name and normalise(name)}
    full = normalise(person.full_name)
    if full:
        values.add(full)
        values.add(normalise(f"{person.family_name} {person.given_names}"))
    for value in list(values):
        values.update(part for part in value.split() if len(part) > 1)
    return {ring.blind_index(value, NAME_PURPOSE) for value in values if value}


def reindex(person: Person) -> None:
    """Replace the person's search tokens after a change of identity."""
    wanted = {(SearchToken.Kind.NAME, digest) for digest in name_digests(person)}
    phone = phone_digest(person.phone or "")
    if phone:
        wanted.add((SearchToken.Kind.PHONE, phone))
    person.search_tokens.all().delete()
    SearchToken.objects.bulk_create(
        [SearchToken(person=person, kind=kind, digest=digest) for kind, digest in wanted]
    )


def _digests(query: str) -> list[tuple[str, str]]:
    ring = keyring()
    digests = []
    if normalise(query):
        digests.append((SearchToken.Kind.NAME, ring.blind_index(query, NAME_PURPOSE)))
    phone = phone_digest(query)  # the same E.164 form however the number is written
    if phone:
        digests.append((SearchToken.Kind.PHONE, phone))
    return digests


def matching_people(query: str) -> QuerySet:
    """A subquery of the ids of people whose name or phone equals ``query`` (after
    normalisation), read through the digest index; for ``person_id__in=`` inside a scoped
    queryset, so that the search never leaves the database as a national list of ids."""
    digests = _digests(query)
    if not digests:
        return SearchToken.objects.none().values("person_id")
    condition = Q()
    for kind, digest in digests:
        condition |= Q(kind=kind, digest=digest)
    return SearchToken.objects.filter(condition).order_by().values("person_id")


def matching_person_ids(query: str) -> set[int]:
    """Ids of people whose name or phone equals ``query``, nationally and unscoped: for checks
    (retention, tests), never for a page; pages filter with :func:`matching_people`."""
    return set(matching_people(query).values_list("person_id", flat=True))
