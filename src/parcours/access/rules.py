"""Object rules: who may see and do what on a case or a person. Deny by default.

Each rule takes an :class:`~parcours.core.actor.Actor` and the object, and answers True only
when a clause below grants it. Views call them after fetching through ``access.shortcuts``.
"""

from parcours.core.groups import ALL_GROUPS, COORDINATION_GROUPS, ROLE_GROUP_CAP, FieldGroup
from parcours.core.roles import COORDINATOR_KINDS, OrganisationKind, Role

CASE_EDITOR_ROLES = {Role.CASEWORKER, Role.MANAGER}
CASE_OPENER_ROLES = {Role.CASEWORKER, Role.MANAGER}


def _is_member(actor) -> bool:
    return actor is not None and actor.membership is not None


def is_coordinator(actor) -> bool:
    """The one definition of a coordinator: the coordinator role, held in a coordination
    organisation (national or territorial). A coordinator role in any other organisation grants
    nothing (``Membership.clean`` refuses it; this rule ignores one written around it)."""
    return (
        _is_member(actor)
        and actor.role == Role.COORDINATOR
        and actor.organisation.kind in COORDINATOR_KINDS
    )


def is_referent(actor, case) -> bool:
    """The actor's organisation holds the case."""
    return _is_member(actor) and case.referent_org_id == actor.organisation_id


# What was decided for (actor, case) is kept on the case instance, which lives for one request:
# the participation is looked up once, not once per rule. Any change of access in this process
# (``parcours.cases.participants``, break-glass, a hand-over) calls ``forget()``, which makes
# every kept decision stale, whichever instance of the case it was kept on.
_CACHE = "_access_decisions"
_NONE = object()
_generation = [0]


def _cached(case, actor, key, compute):
    store = case.__dict__.setdefault(_CACHE, {})
    slot = (actor.user_id, actor.organisation_id, key)
    generation, value = store.get(slot, (None, _NONE))
    if value is _NONE or generation != _generation[0]:
        value = compute()
        store[slot] = (_generation[0], value)
    return value


def forget() -> None:
    """Access changed: decisions kept on case instances are recomputed on their next use."""
    _generation[0] += 1


def active_participation(actor, case):
    if not _is_member(actor):
        return None
    return _cached(
        case,
        actor,
        "participation",
        lambda: case.participants.filter(
            organisation_id=actor.organisation_id, active=True
        ).first(),
    )


def prime_participations(actor, cases) -> None:
    """Read the actor's active participations in ``cases`` in one query, for a list page (the
    rules below then ask nothing more per case about participations)."""
    if not _is_member(actor):
        return
    from parcours.cases.models import Participant

    cases = [case for case in cases if case.pk is not None]
    found: dict[int, object] = {}
    rows = Participant.objects.filter(
        case_id__in=[case.pk for case in cases],
        organisation_id=actor.organisation_id,
        active=True,
    ).order_by("pk")
    for participation in rows:
        found.setdefault(participation.case_id, participation)
    for case in cases:
        _cached(case, actor, "participation", lambda case=case: found.get(case.pk))


def coordinates(actor, case) -> bool:
    """A coordinator of the case's territory, or one holding an unexpired break-glass grant."""
    if not is_coordinator(actor):
        return False
    return _cached(case, actor, "coordinates", lambda: _coordinates(actor, case))


def _coordinates(actor, case) -> bool:
    org = actor.organisation
    if (
        org.kind == OrganisationKind.TERRITORIAL_COORDINATOR
        and case.sharing_refused_at is None  # refuses all sharing: break-glass only
        and case.referent_org.departement == org.departement
    ):
        return True
    from parcours.access.breakglass import active_grant

    return active_grant(actor, case) is not None


def can_view_case(actor, case) -> bool:
    """Referent organisation, active participants and the territory's coordinators; not
    statisticians (they see aggregates only)."""
    if not _is_member(actor) or actor.role == Role.STATISTICIAN:
        return False
    return (
        is_referent(actor, case)
        or active_participation(actor, case) is not None
        or coordinates(actor, case)
    )


def groups_for(actor, case) -> frozenset[str]:
    """The field groups of the person the actor sees through this case.

    Referent: every group. Participant: the groups shared with its organisation. Coordinator: the
    coordination groups. Location only for those who may reveal it. Always capped by the
    actor's role (``ROLE_GROUP_CAP``).
    """
    if not can_view_case(actor, case):
        return frozenset()
    return _cached(case, actor, "groups", lambda: _groups(actor, case))


def _groups(actor, case) -> frozenset[str]:
    granted: set[str] = set()
    if is_referent(actor, case):
        granted |= ALL_GROUPS
    participation = active_participation(actor, case)
    if participation is not None:
        granted |= set(participation.groups)
    if coordinates(actor, case):
        granted |= COORDINATION_GROUPS
    if not may_reveal_location(actor):
        granted.discard(FieldGroup.LOCATION)
    return frozenset(granted) & ROLE_GROUP_CAP.get(actor.role, frozenset())


def may_reveal_location(actor) -> bool:
    """Where a person sleeps is shown only to members designated for it in their organisation
    (``Membership.may_reveal_location``) and to coordinators; both must sign in with a security
    key or passkey (``parcours.accounts.mfa``)."""
    return _is_member(actor) and (actor.membership.may_reveal_location or is_coordinator(actor))


def groups_for_person(actor, person) -> frozenset[str]:
    """Union of the groups the actor sees through each case of the person it may see."""
    from parcours.access.scopes import visible_cases

    groups: set[str] = set()
    for case in visible_cases(actor, person.cases.select_related("referent_org")):
        groups |= groups_for(actor, case)
    return frozenset(groups)


NOT_REFERENT_KINDS = {
    OrganisationKind.NATIONAL_COORDINATOR,
    OrganisationKind.TERRITORIAL_COORDINATOR,
    OrganisationKind.SHELTER_FACILITY,
    OrganisationKind.PROSECUTOR,  # told of a child in danger; it does not hold the pathway
}


def may_hold_cases(organisation) -> bool:
    """Coordinations coordinate and facilities host: neither is ever a case's referent."""
    return organisation.active and organisation.kind not in NOT_REFERENT_KINDS


def can_open_case(actor) -> bool:
    """Caseworkers and managers of any organisation except coordinators and facilities may open
    a case; their organisation becomes referent."""
    return (
        _is_member(actor) and actor.role in CASE_OPENER_ROLES and may_hold_cases(actor.organisation)
    )


def can_open_case_for(actor, organisation) -> bool:
    """A territorial coordinator opens a case *for* an organisation of their own département
    that may hold cases (an association, the SIAO, child welfare...), which becomes its
    referent: the coordinator triages public reports (``parcours.reporting``) and does not hold
    cases. Nobody else opens a case for another organisation."""
    return (
        is_coordinator(actor)
        and actor.organisation.kind == OrganisationKind.TERRITORIAL_COORDINATOR
        and bool(actor.organisation.departement)
        and organisation.departement == actor.organisation.departement
        and may_hold_cases(organisation)
    )


def can_edit_case(actor, case) -> bool:
    """Change status, add or remove participants: caseworkers and managers of the referent."""
    return is_referent(actor, case) and actor.role in CASE_EDITOR_ROLES


def can_log_contact(actor, case) -> bool:
    """Referent caseworkers and managers, and caseworkers of participants that see the social
    group (a shelter or a partner association that met the person)."""
    if can_edit_case(actor, case):
        return True
    return (
        actor is not None
        and actor.role in CASE_EDITOR_ROLES | {Role.FACILITY_STAFF}
        and "social" in groups_for(actor, case)
    )


def can_view_access_history(actor, person) -> bool:
    """The referent organisation of one of the person's cases sees who accessed the file."""
    if not _is_member(actor) or actor.role not in CASE_EDITOR_ROLES:
        return False
    return person.cases.filter(referent_org_id=actor.organisation_id).exists()
