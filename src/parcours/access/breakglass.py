"""Break-glass: a coordinator opens a case outside their normal scope by giving a written reason.

The access lasts ``BREAK_GLASS_HOURS`` (3 hours by default), is journaled with its reason, shows
on the case's timeline, and the referent's members are told by e-mail after the transaction
commits (the e-mail holds the case reference and a link, never a name).

The reason must be a real sentence (``reason_problem``): the referent organisation reads it and
the journal keeps it, so "aaaa…" or one word repeated is refused. This is a nudge against lazy
filler, not a proof of good faith: that rests on the journal and on the referent reading it.
The page shows a summary of what will be journaled and who will be told (``preview``, which
writes nothing) before the coordinator confirms.
"""

import datetime
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.cases.models import BreakGlassGrant
from parcours.cases.notices import tell_referent
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.refs import is_valid_reference

MIN_REASON = 30  # characters, not counting a character repeated three times or more
MIN_WORDS = 5  # different words of two letters or more ("aa" or "zzz" is not a word)

_REPEATED = re.compile(r"(.)\1{2,}", re.DOTALL)
_LETTERS = re.compile(r"[^\W\d_]+")


def reason_words(reason: str) -> set[str]:
    """The different words of ``reason``: runs of two letters or more, not one letter repeated."""
    return {
        word.casefold()
        for word in _LETTERS.findall(reason or "")
        if len(word) >= 2 and len(set(word.casefold())) >= 2
    }


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` is not yet a reason the referent can read (translated), or None."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        return _("Explain why in at least %(n)d characters: the referent will read it.") % {
            "n": MIN_REASON
        }
    squeezed = " ".join(_REPEATED.sub(r"\1", reason).split())
    if len(squeezed) < MIN_REASON or len(reason_words(reason)) < MIN_WORDS:
        return _(
            "Write a real sentence: at least %(n)d different words, without repeating one "
            "character or one word. The referent organisation will read it."
        ) % {"n": MIN_WORDS}
    return None


def can_break_glass(actor) -> bool:
    """Coordinators only (national or territorial), acting for their coordination."""
    return rules.is_coordinator(actor)


def _checked(actor, ref: str, reason: str):
    """The case ``ref`` names, once every rule of ``open_case`` holds; writes nothing."""
    from parcours.cases.models import Case

    if not can_break_glass(actor):
        raise NotAllowed(_("Only coordinators can open a case outside their scope."))
    problem = reason_problem(reason)
    if problem:
        raise DomainError(problem)
    ref = (ref or "").strip().upper()
    case = Case.objects.select_related("referent_org").filter(ref=ref).first()
    if not is_valid_reference("C", ref) or case is None:
        raise DomainError(_("No case has this reference."))
    if rules.can_view_case(actor, case):
        raise DomainError(_("This case is already in your scope: open it from your cases."))
    return case


def preview(actor, ref: str, reason: str) -> dict:
    """What ``open_case`` would journal and for how long, for the coordinator to confirm.

    Checks every rule and writes nothing. It never names the referent organisation: who holds
    a case is not shown before the access is granted.
    """
    case = _checked(actor, ref, reason)
    now = timezone.now()
    return {
        "ref": case.ref,
        "reason": reason.strip(),
        "name": actor.user.get_full_name() or actor.user.get_username(),
        "organisation": actor.organisation.name,
        "hours": settings.BREAK_GLASS_HOURS,
        "until": now + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS),
    }


def open_case(actor, ref: str, reason: str) -> BreakGlassGrant:
    from parcours.audit.enums import Action
    from parcours.audit.journal import record
    from parcours.cases.enums import EventKind
    from parcours.cases.timeline import add_event

    case = _checked(actor, ref, reason)
    reason = reason.strip()
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
            data={"organisation_id": actor.organisation_id},
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
