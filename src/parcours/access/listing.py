"""What a reader sees of the person in a list (my cases, tasks, referrals, notifications,
search results): the name and age to the readers who see the identity group *of that case*,
the pseudonymous reference to everybody else. URLs and logs keep the reference only; each name
shown is journaled, as the case page's read is.

The decision is the one of the redaction object (``rules.groups_for``, the same for the case
page), made for a whole page at once: the actor's participations in the listed cases are read in
one query, and only the people whose identity this reader may see are decrypted.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record_many
from parcours.core.groups import FieldGroup


@dataclass(frozen=True)
class PersonLabel:
    ref: str
    name: str = ""  # empty: this reader does not see the identity group of the case
    age: int | None = None

    def __str__(self):
        return self.name or self.ref


HIDDEN = PersonLabel(ref="")


def sees_identity(actor, case) -> bool:
    return FieldGroup.IDENTITY in rules.groups_for(actor, case)


def person_labels(actor, cases, today: datetime.date | None = None) -> dict[int, PersonLabel]:
    """Case pk -> how ``actor`` may see the person of that case in a list: name and age with the
    identity group, the reference to the other readers of the case, nothing to anybody else."""
    from parcours.people.models import Person

    cases = list(cases)
    if not cases:
        return {}
    rules.prime_participations(actor, cases)
    readers = {case.pk for case in cases if sees_identity(actor, case)}
    shown = {case.person_id for case in cases if case.pk in readers}
    today = today or timezone.localdate()
    people = {}
    if shown:
        fields = ("ref", "given_names", "family_name", "aliases", "birth_date")
        people = {p.pk: p for p in Person.objects.filter(pk__in=shown).only(*fields)}
    # A reader who may not open the case (the recipient of a referral not yet accepted) is not
    # given even the person's reference: it would link that person's referrals over time.
    readable = {c.person_id for c in cases if rules.can_view_case(actor, c)}
    refs = {}
    if readable - shown:
        refs = dict(Person.objects.filter(pk__in=readable - shown).values_list("pk", "ref"))
    # Each name shown is a read of the person's identity: journaled, one entry per case, in one
    # write (their access history shows who listed them).
    record_many(
        actor,
        Action.LIST_CASES,
        [(case, people[case.person_id]) for case in cases if case.person_id in people],
        groups=[FieldGroup.IDENTITY],
    )
    labels = {}
    for case in cases:
        person = people.get(case.person_id)
        if person is not None:
            name = person.list_name or person.ref
            labels[case.pk] = PersonLabel(person.ref, name, person.age_on(today))
        else:
            labels[case.pk] = PersonLabel(refs.get(case.person_id, ""))
    return labels


def label_cases(actor, rows, case_of=lambda row: row) -> list[tuple[object, PersonLabel]]:
    """Each row of a page (a case, a task, a referral...) with the label of its case's person."""
    rows = list(rows)
    cases = {case.pk: case for case in (case_of(row) for row in rows) if case is not None}
    labels = person_labels(actor, cases.values())
    return [(row, labels.get(getattr(case_of(row), "pk", None), HIDDEN)) for row in rows]


SEARCH_LIMIT = 200  # candidates ranked per search; more means the query is too vague


def find_cases(actor, query: str, cases) -> list[tuple[object, object]]:
    """The cases of ``cases`` (a queryset already inside the actor's scope) whose person matches
    ``query``, best first, each with its :class:`~parcours.people.search.Match` (why it
    matched). Only cases whose identity group this reader sees: a name typed must not tell a
    reader who may not see names that the person is followed here."""
    from parcours.people.search import matching_people, rank

    found = list(cases.filter(person_id__in=matching_people(query))[:SEARCH_LIMIT])
    rules.prime_participations(actor, found)
    found = [case for case in found if sees_identity(actor, case)]
    matches = rank(query, {case.person_id for case in found})
    found = [case for case in found if case.person_id in matches]
    found.sort(key=lambda case: (-matches[case.person_id].score, -case.opened_at.timestamp()))
    return [(case, matches[case.person_id]) for case in found]


def label_by_reference(actor, rows, ref_of) -> list[tuple[object, PersonLabel]]:
    """Rows that carry a case or referral reference (notifications), each with the label of
    the person of that case as this reader may see it (nothing for a case it does not see)."""
    from parcours.access.scopes import visible_cases
    from parcours.referrals.models import Referral

    rows = list(rows)
    refs = {ref_of(row) for row in rows if ref_of(row)}
    by_ref = {
        case.ref: case
        for case in visible_cases(actor).filter(ref__in=refs).select_related("referent_org")
    }
    referrals = Referral.objects.visible_to(actor).filter(ref__in=refs - set(by_ref))
    for referral in referrals.select_related("case__referent_org"):
        by_ref[referral.ref] = referral.case
    labels = person_labels(actor, {case.pk: case for case in by_ref.values()}.values())
    return [
        (row, labels[by_ref[ref_of(row)].pk] if ref_of(row) in by_ref else HIDDEN) for row in rows
    ]
