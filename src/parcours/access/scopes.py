"""Scoped querysets: the only way any page, export or API lists cases and people.

Deny by default. An actor sees a case when their organisation:
- is its referent organisation, or
- takes part in it (an active participation), or
- coordinates its territory: a territorial coordinator sees the cases whose referent
  organisation is in its département (coordinator role only), except those of a person who
  refuses all sharing (``Case.sharing_refused_at``, ``parcours.cases.sharing_refusal``); or
- holds an unexpired break-glass grant for it (coordinators only, ``access.breakglass``).
A national coordination has no territory: outside the cases it takes part in, it opens a case
only by break-glass, with a written reason.
Statisticians see no case: they work on aggregates (issue: statistics).

Each clause is one indexed lookup that returns a case id (``cases_case.referent_org_id``,
``participant_org_active``, ``organisation_departement`` then ``referent_org_id``,
``break_glass_holder``), and the clauses are put together as ``id IN (a UNION ALL b ...)``:
PostgreSQL reads each through its index, and checks one case (the case page) by probing each
clause with its id. Nothing reads every case or participant of the country.
"""

from django.db.models import QuerySet
from django.utils import timezone

from parcours.access.rules import is_coordinator
from parcours.core.roles import OrganisationKind, Role


def case_clauses(actor, *, per_organisation: bool = False) -> list[QuerySet]:
    """The rule, once: the querysets of cases ``actor`` sees, one per reason (their union is the
    scope; a case may be in several); empty for none. ``per_organisation``: the territory as one
    queryset per organisation of the département, each read in order through the
    ``(referent_org, opened_at, id)`` index (the list's pages, ``access.case_pages``)."""
    from parcours.accounts.models import Organisation
    from parcours.cases.models import BreakGlassGrant, Case, Participant

    if actor is None or actor.membership is None or actor.role == Role.STATISTICIAN:
        return []
    org = actor.organisation
    # Participations and grants as ``id IN (their case ids)``, not joins: each is read through
    # its own index, whatever the planner thinks of the size of the tables.
    participations = Participant.objects.filter(organisation=org, active=True)
    clauses = [
        Case.objects.filter(referent_org=org),
        Case.objects.filter(pk__in=participations.values("case_id")),
    ]
    if is_coordinator(actor):
        if org.kind == OrganisationKind.TERRITORIAL_COORDINATOR:
            # A few dozen organisations: read first, so that the cases are read through their
            # referent index (a subquery here becomes a join the planner may scan).
            territory = list(
                Organisation.objects.filter(departement=org.departement).values_list(
                    "pk", flat=True
                )
            )
            shared = Case.objects.filter(sharing_refused_at__isnull=True)
            if per_organisation:
                clauses += [shared.filter(referent_org=pk) for pk in territory]
            else:
                clauses.append(shared.filter(referent_org__in=territory))
        grants = BreakGlassGrant.objects.filter(
            user=actor.user, organisation=org, expires_at__gt=timezone.now()
        )
        clauses.append(Case.objects.filter(pk__in=grants.values("case_id")))
    return [clause.order_by() for clause in clauses]


def visible_case_ids(actor) -> QuerySet | None:
    """A subquery of the ids of the cases ``actor`` sees (may repeat an id); None for none."""
    clauses = case_clauses(actor)
    if not clauses:
        return None
    first, *others = (clause.values("pk") for clause in clauses)
    return first.union(*others, all=True)


def visible_cases(actor, queryset: QuerySet | None = None) -> QuerySet:
    from parcours.cases.models import Case

    queryset = Case.objects.all() if queryset is None else queryset
    ids = visible_case_ids(actor)
    if ids is None:
        return queryset.none()
    return queryset.filter(pk__in=ids)


def visible_people(actor, queryset: QuerySet | None = None) -> QuerySet:
    """The people one of whose cases ``actor`` sees (``pk IN``, no join: no duplicates)."""
    from parcours.cases.models import Case
    from parcours.people.models import Person

    queryset = Person.objects.all() if queryset is None else queryset
    ids = visible_case_ids(actor)
    if ids is None:
        return queryset.none()
    return queryset.filter(pk__in=Case.objects.filter(pk__in=ids).order_by().values("person_id"))
