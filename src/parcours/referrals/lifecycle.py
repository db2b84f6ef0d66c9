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
from parcours.core.errors import DomainError, StaleVersion
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
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _("This referral was changed by someone else meanwhile. Reload the page and try again.")
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
    previous = referral.status
    fields = {"status": to_status, "version": referral.version + 1, **(changes or {})}
    if to_status == S.SENT:
        fields["sent_at"] = now
    if to_status in ANSWERED:
        fields["answered_at"] = now
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save(update_fields=list(fields))
    ReferralTransition.objects.create(
        referral=referral,
        from_status=previous,
        to_status=to_status,
        at=now,
        by_user=None if system else actor.user,
        by_org=None if system else actor.organisation,
        note=note,
    )
    reason = f"{previous}>{to_status}"
    if referral.refusal_code:
        reason += f":{referral.refusal_code}"
    record(
        None if system else actor, REFERRAL_STATUS, referral.case, related=referral, reason=reason
    )
    return referral
