"""The referral status machine: which moves are allowed, and the log each move writes.

draft ──> sent ──> acknowledged ──> accepted | refused | expired | withdrawn
  │         └──────────────────────> accepted | refused | expired | withdrawn
  └──> withdrawn
accepted, refused, expired and withdrawn are final.

This module checks the machine, the version and concurrent answers; *who* may move a referral
is checked by ``parcours.referrals.services`` (and the worker for expiry), which call it.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.audit.journal import record
from parcours.core import concurrency, workflow
from parcours.core.errors import DomainError
from parcours.referrals.actions import REFERRAL_STATUS
from parcours.referrals.enums import ANSWERED, ReferralStatus
from parcours.referrals.models import Referral, ReferralTransition

S = ReferralStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SENT, S.WITHDRAWN}),
    S.SENT: frozenset({S.ACKNOWLEDGED, S.ACCEPTED, S.REFUSED, S.EXPIRED, S.WITHDRAWN}),
    S.ACKNOWLEDGED: frozenset({S.ACCEPTED, S.REFUSED, S.EXPIRED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset(),
    S.REFUSED: frozenset(),
    S.EXPIRED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
FINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


class AlreadyAnswered(DomainError):
    """Someone of the receiving organisation answered first; this answer was not saved."""


def lock(referral: Referral, expected_version=None) -> Referral:
    """The referral row, locked until the caller's transaction ends (call inside atomic).

    A referral already answered says so, whatever the version (it is final: no move is left);
    otherwise a stale page (``expected_version`` differs) is refused. Under concurrent answers
    the second waits on the lock, then reads the first answer and gets ``AlreadyAnswered``.
    """
    locked = Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
    if locked.status in ANSWERED:
        raise AlreadyAnswered(_answered_message(locked))
    concurrency.check_version(
        locked,
        expected_version,
        _("This referral was changed by someone else meanwhile. Reload the page and try again."),
    )
    return locked


def _answered_message(referral: Referral) -> str:
    return _("This referral was already answered (%(status)s).") % {
        "status": ReferralStatus(referral.status).label
    }


def move(referral: Referral, to_status: str, actor, *, expected_version=None, **kwargs):
    """Lock ``referral``, check the version, and apply the move (see :func:`apply_move`)."""
    with transaction.atomic():
        locked = lock(referral, expected_version)
        return apply_move(locked, to_status, actor, **kwargs)


def apply_move(
    referral: Referral,
    to_status: str,
    actor,
    *,
    note: str = "",
    system: bool = False,
    changes: dict | None = None,
    at=None,
) -> Referral:
    """Apply a move on a referral locked by the caller: set the status (and ``changes``, e.g.
    the refusal code, in the same write), bump the version, log the transition, journal it."""
    if to_status not in ReferralStatus.values:
        raise DomainError(_("Unknown status."))
    if to_status not in TRANSITIONS[referral.status]:
        if referral.status in ANSWERED:
            raise AlreadyAnswered(_answered_message(referral))
        raise DomainError(
            _("A referral cannot go from “%(from)s” to “%(to)s”.")
            % {"from": ReferralStatus(referral.status).label, "to": ReferralStatus(to_status).label}
        )
    now = at or timezone.now()
    fields = dict(changes or {})
    if to_status == S.SENT:
        fields["sent_at"] = now
    if to_status in ANSWERED:
        fields["answered_at"] = now
    previous = workflow.move(
        referral,
        to_status,
        log=ReferralTransition,
        subject="referral",
        actor=actor,
        system=system,
        note=note,
        changes=fields,
        at=now,
    )
    reason = f"{previous}>{to_status}"
    if referral.refusal_code:
        reason += f":{referral.refusal_code}"
    record(
        None if system else actor, REFERRAL_STATUS, referral.case, related=referral, reason=reason
    )
    _notify(referral, previous)
    return referral


# Who is told of a move: the recipient when a referral reaches or leaves it, the sender when it
# is answered.
_TOLD = {
    S.SENT: ("to_org", "referral_received"),
    S.ACKNOWLEDGED: ("from_org", "referral_acknowledged"),
    S.ACCEPTED: ("from_org", "referral_accepted"),
    S.REFUSED: ("from_org", "referral_refused"),
    S.EXPIRED: ("from_org", "referral_expired"),
    S.WITHDRAWN: ("to_org", "referral_withdrawn"),
}


def _notify(referral: Referral, previous: str) -> None:
    from parcours.alerts.notify import notify

    if referral.status not in _TOLD or (previous == S.DRAFT and referral.status == S.WITHDRAWN):
        return  # a draft nobody received is withdrawn silently
    side, kind = _TOLD[referral.status]
    notify(
        kind,
        getattr(referral, side),
        ref=referral.ref,
        link=referral.get_absolute_url(),
        dedup_key=f"referral:{referral.pk}:{referral.version}",
    )
