"""Scoped querysets: the only way any page, export or API lists cases and people.

Deny by default. An actor sees a case when their organisation:
- is its referent organisation, or
- takes part in it (an active participation), or
- coordinates its territory: a territorial coordinator sees the cases whose referent
  organisation is in its département (coordinator role only); or
- holds an unexpired break-glass grant for it (coordinators only, ``access.breakglass``).
A national coordination has no territory: outside the cases it takes part in, it opens a case
only by break-glass, with a written reason.
Statisticians see no case: they work on aggregates (issue: statistics).
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from parcours.accounts.enums import OrganisationKind, Role


def _case_filter(actor) -> Q | None:
    if actor is None or actor.membership is None or actor.role == Role.STATISTICIAN:
        return None
    org = actor.organisation
    condition = Q(referent_org=org) | Q(participants__organisation=org, participants__active=True)
    if actor.role == Role.COORDINATOR:
        if org.kind == OrganisationKind.TERRITORIAL_COORDINATOR:
            condition |= Q(referent_org__departement=org.departement)
        condition |= Q(
            break_glass__user=actor.user,
            break_glass__organisation=org,
            break_glass__expires_at__gt=timezone.now(),
        )
    return condition


def visible_cases(actor, queryset: QuerySet | None = None) -> QuerySet:
    from parcours.cases.models import Case

    queryset = Case.objects.all() if queryset is None else queryset
    condition = _case_filter(actor)
    if condition is None:
        return queryset.none()
    ids = Case.objects.filter(condition).values("pk")
    return queryset.filter(pk__in=ids)


def visible_people(actor, queryset: QuerySet | None = None) -> QuerySet:
    from parcours.people.models import Person

    queryset = Person.objects.all() if queryset is None else queryset
    return queryset.filter(cases__in=visible_cases(actor).values("pk")).distinct()
