"""Break-glass: a coordinator opens a case outside their normal scope by giving a written reason.

The access lasts ``BREAK_GLASS_HOURS`` (3 hours by default), is journaled with its reason, shows
on the case's timeline, and the referent's members are told by e-mail after the transaction
commits (the e-mail holds the case reference and a link, never a name).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.access.models import BreakGlassGrant
from parcours.accounts.enums import Role
from parcours.cases.notices import tell_referent
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.refs import is_valid_reference

MIN_REASON = 30


def can_break_glass(actor) -> bool:
    """Coordinators only (national or territorial), acting for their coordination."""
    return (
        actor is not None
        and actor.membership is not None
        and actor.role == Role.COORDINATOR
        and actor.organisation.is_coordinator
    )


def open_case(actor, ref: str, reason: str) -> BreakGlassGrant:
    from parcours.audit.enums import Action
    from parcours.audit.journal import record
    from parcours.cases.enums import EventKind
    from parcours.cases.models import Case
    from parcours.cases.timeline import add_event

    if not can_break_glass(actor):
        raise NotAllowed(_("Only coordinators can open a case outside their scope."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError(
            _("Explain why in at least %(n)d characters: the referent will read it.")
            % {"n": MIN_REASON}
        )
    ref = (ref or "").strip().upper()
    case = Case.objects.select_related("referent_org").filter(ref=ref).first()
    if not is_valid_reference("C", ref) or case is None:
        raise DomainError(_("No case has this reference."))
    if rules.can_view_case(actor, case):
        raise DomainError(_("This case is already in your scope: open it from your cases."))
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor.user,
            organisation=actor.organisation,
            case=case,
            reason=reason,
            granted_at=now,
            expires_at=now + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS),
        )
        add_event(
            case,
            actor,
            EventKind.BREAK_GLASS,
            at=now,
            summary=reason,
            data={"organisation": actor.organisation.name},
        )
        record(actor, Action.BREAK_GLASS, case, reason=reason)
        tell_referent(
            case,
            "break_glass",
            {"org": actor.organisation.name, "hours": settings.BREAK_GLASS_HOURS},
        )
    return grant


def active_grant(actor, case):
    if actor is None or actor.membership is None:
        return None
    return (
        BreakGlassGrant.objects.active()
        .filter(user=actor.user, organisation_id=actor.organisation_id, case=case)
        .first()
    )
