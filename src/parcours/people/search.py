"""Exact search of people by name or phone through keyed blind indexes."""

from django.db.models import Q, QuerySet

from parcours.core.crypto import keyring, normalise, normalise_phone
from parcours.people.models import Person, SearchToken

NAME_PURPOSE = "person-name"
PHONE_PURPOSE = "person-phone"


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
    ring = keyring()
    wanted = {(SearchToken.Kind.NAME, digest) for digest in name_digests(person)}
    phone = normalise_phone(person.phone or "")
    if phone:
        wanted.add((SearchToken.Kind.PHONE, ring.blind_index(phone, PHONE_PURPOSE)))
    person.search_tokens.all().delete()
    SearchToken.objects.bulk_create(
        [SearchToken(person=person, kind=kind, digest=digest) for kind, digest in wanted]
    )


def _digests(query: str) -> list[tuple[str, str]]:
    ring = keyring()
    digests = []
    if normalise(query):
        digests.append((SearchToken.Kind.NAME, ring.blind_index(query, NAME_PURPOSE)))
    phone = normalise_phone(query)
    if len(phone) >= 6:
        digests.append((SearchToken.Kind.PHONE, ring.blind_index(phone, PHONE_PURPOSE)))
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
