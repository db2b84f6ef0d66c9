"""Answer delays: when a referral is due, whether it is overdue, and expiring the overdue ones.

Computed from ``sent_at`` and the service kind's delay (``enums.ANSWER_DELAY_HOURS``), never
stored, so it cannot drift from the referral's state.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from parcours.referrals import lifecycle
from parcours.referrals.enums import (
    ANSWER_DELAY_HOURS,
    AWAITING_ANSWER,
    DEFAULT_ANSWER_DELAY_HOURS,
    ReferralStatus,
)
from parcours.referrals.models import Referral


def answer_delay(kind: str) -> datetime.timedelta:
    return datetime.timedelta(hours=ANSWER_DELAY_HOURS.get(kind, DEFAULT_ANSWER_DELAY_HOURS))


def due_at(referral: Referral) -> datetime.datetime | None:
    """When the answer is expected; None for a draft."""
    if referral.sent_at is None:
        return None
    return referral.sent_at + answer_delay(referral.service.kind)


def overdue(referral: Referral, now: datetime.datetime) -> bool:
    """Sent or acknowledged, and past the expected answer delay of its kind of service."""
    due = due_at(referral)
    return referral.status in AWAITING_ANSWER and due is not None and now > due


def expire_overdue(now: datetime.datetime) -> int:
    """Move every overdue referral to "expired" (a system move); returns how many moved.

    Idempotent and safe to run from several workers: each referral is locked and checked again
    before it moves, so a second run (or an answer that arrived meanwhile) moves nothing.
    """
    shortest = min(ANSWER_DELAY_HOURS.values())
    candidates = Referral.objects.filter(
        status__in=AWAITING_ANSWER, sent_at__lt=now - datetime.timedelta(hours=shortest)
    ).select_related("service")
    moved = 0
    for referral in candidates:
        if not overdue(referral, now):
            continue
        with transaction.atomic():
            locked = (
                Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
            )
            if not overdue(locked, now):
                continue
            lifecycle.apply_move(
                locked,
                ReferralStatus.EXPIRED,
                None,
                system=True,
                note=_("No answer within the expected delay."),
            )
            moved += 1
    return moved
