"""Who may see where a person sleeps: a manager designates members of their own organisation.

``Membership.may_reveal_location`` opens the location group (where the case shares it) to a
member, and makes that member sign in with a security key or passkey from their next request
(``parcours.accounts.mfa.requires_webauthn``). Only a manager of the organisation sets it, for
its own active members; the act is journaled and takes effect at once, both ways.

- A coordinator (``parcours.access.rules.is_coordinator``) already sees where people sleep on
  the cases it coordinates: no designation is needed, none is recorded.
- A role whose cap never includes the location group (``ROLE_GROUP_CAP``: investigators,
  statisticians) cannot be designated; withdrawing a designation is always allowed.
- The form names the state wanted (designated or not), not a toggle: a double submit finds the
  state already there and changes nothing (no second journal entry).
"""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.accounts.models import Membership
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.actor import Actor
from parcours.core.concurrency import lock
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import ROLE_GROUP_CAP, FieldGroup
from parcours.core.roles import Role


def can_manage_members(actor) -> bool:
    """A manager of an active organisation, for that organisation only: the one who answers for
    who, in it, may see where the people it follows sleep."""
    return (
        actor is not None
        and actor.membership is not None
        and actor.role == Role.MANAGER
        and actor.organisation.active
    )


def members_of(actor):
    """The active members of the manager's organisation (a queryset; empty for anybody else)."""
    if not can_manage_members(actor):
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            organisation_id=actor.organisation_id, active=True, user__is_active=True
        )
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )


def is_coordinator_membership(membership) -> bool:
    """The member acts as a coordinator through this membership (the one rule of ``access``)."""
    return rules.is_coordinator(Actor(user=membership.user, membership=membership))


def role_may_see_locations(role) -> bool:
    return FieldGroup.LOCATION in ROLE_GROUP_CAP.get(role, frozenset())


@dataclass(frozen=True)
class MemberRow:
    """One line of the members page."""

    membership: Membership
    has_key: bool
    coordinator: bool  # sees locations as a coordinator, without a designation
    may_be_designated: bool  # the role's cap includes the location group

    @property
    def designated(self) -> bool:
        return self.membership.may_reveal_location


def member_rows(actor) -> list[MemberRow]:
    memberships = list(members_of(actor))
    with_key = set(
        Authenticator.objects.filter(
            user_id__in={m.user_id for m in memberships}, type=Authenticator.Type.WEBAUTHN
        ).values_list("user_id", flat=True)
    )
    return [
        MemberRow(
            membership=m,
            has_key=m.user_id in with_key,
            coordinator=is_coordinator_membership(m),
            may_be_designated=role_may_see_locations(m.role),
        )
        for m in memberships
    ]


def designate(actor, membership, allowed: bool) -> bool:
    """Designate (``allowed``) or stop designating ``membership`` to see where people sleep.

    Answers whether anything changed: asking for the state already there changes nothing and
    journals nothing. Raises ``NotAllowed`` for anybody but a manager of the member's
    organisation, ``DomainError`` for a coordinator or a role that never sees locations.
    """
    if not can_manage_members(actor):
        raise NotAllowed(_("Only a manager of the organisation designates its members."))
    with transaction.atomic():
        try:
            locked = lock(
                members_of(actor),
                membership.pk,
                stale=_("This page is out of date: reload it."),
                of=("self",),
            )
        except Membership.DoesNotExist:
            raise NotAllowed(_("This person is no longer a member of your organisation.")) from None
        if is_coordinator_membership(locked):
            raise DomainError(
                _(
                    "A coordinator already sees where people sleep on the cases they "
                    "coordinate: no designation is needed."
                )
            )
        if allowed and not role_may_see_locations(locked.role):
            raise DomainError(
                _(
                    "The role “%(role)s” never sees where people sleep: it cannot be designated."
                    " Give the person a role that does, or designate someone else."
                )
                % {"role": locked.get_role_display()}
            )
        if locked.may_reveal_location == allowed:
            return False
        locked.may_reveal_location = allowed
        locked.save(update_fields=["may_reveal_location"])
        record(
            actor,
            Action.LOCATION_DESIGNATION,
            locked,
            groups=[FieldGroup.LOCATION],
            reason=f"{locked.pk}:{'granted' if allowed else 'withdrawn'}",
        )
    membership.may_reveal_location = allowed
    rules.forget()
    return True
