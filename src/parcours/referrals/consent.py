"""Consent per recipient: record it, find the one in force, withdraw it (scenario S6)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.alerts.notify import notify
from parcours.audit.journal import record
from parcours.cases import participants
from parcours.cases.enums import SharingBasis
from parcours.cases.services import end_participant
from parcours.core import dates
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.models import ConsentMethod
from parcours.referrals import lifecycle
from parcours.referrals.actions import CONSENT_RECORD, CONSENT_WITHDRAW
from parcours.referrals.enums import ReferralStatus
from parcours.referrals.models import Consent
from parcours.referrals.rules import can_manage_consent

PENDING = (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED)


def record_consent(
    actor,
    case,
    recipient,
    purpose: str,
    given_on: datetime.date,
    how: str,
    language: str,
    interpreter: str = "",
) -> Consent:
    """Record that the person consented to share with ``recipient`` for ``purpose``."""
    if not can_manage_consent(actor, case):
        raise NotAllowed(_("Only the referent organisation can record the person's consent."))
    if recipient.pk == case.referent_org_id:
        raise DomainError(_("The referent organisation already sees the whole case."))
    if participants.sharing_refused(case):
        raise DomainError(
            _(
                "The person refused all sharing: consent cannot be recorded for another "
                "organisation. Only a legal basis allows it."
            )
        )
    if not purpose.strip():
        raise DomainError(_("Say for what purpose the person consents."))
    if given_on > timezone.localdate():
        raise DomainError(_("The consent date cannot be in the future."))
    dates.ensure(given_on, dates.PAST_EVENT)
    if how not in ConsentMethod.values:
        raise DomainError(_("Say how the person gave their consent."))
    if not language.strip():
        raise DomainError(_("Say in which language the person was informed."))
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            recipient=recipient,
            purpose=purpose.strip(),
            given_on=given_on,
            how=how,
            language=language.strip(),
            interpreter=interpreter.strip(),
            recorded_by=actor.user,
            recorded_at=timezone.now(),
        )
        record(actor, CONSENT_RECORD, case, reason=f"{recipient.pk}:{how}")
    return consent


def active_consent(case, recipient) -> Consent | None:
    """The most recent consent in force for ``recipient`` on ``case``, if any."""
    return (
        Consent.objects.filter(case=case, recipient=recipient, withdrawn_at__isnull=True)
        .order_by("-given_on", "-pk")
        .first()
    )


def withdraw_consent(actor, consent: Consent) -> Consent:
    """The person withdraws their consent: from the recipient's next request on, it no longer
    sees the case (its consent-based participation ends) and referrals still waiting on this
    consent are withdrawn. A participation on a legal basis is not touched: the consent was not
    what allowed it. A participation does not record which consent covered which group, so it
    ends even when another consent to the same recipient is still in force (the safe side): the
    referent adds the organisation back with what that consent covers. Withdrawing twice changes
    nothing."""
    case = consent.case
    if not can_manage_consent(actor, case):
        raise NotAllowed(_("Only the referent organisation can record a withdrawal of consent."))
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_at is not None:
            return locked
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor.user
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        record(actor, CONSENT_WITHDRAW, case, reason=str(locked.recipient_id))
        notify("consent_withdrawn", locked.recipient, ref=case.ref)
        participation = case.participants.filter(
            organisation_id=locked.recipient_id, active=True, basis=SharingBasis.CONSENT
        ).first()
        if participation is not None:
            end_participant(actor, participation, reason=_("Consent withdrawn."))
        for referral in locked.referrals.filter(status__in=PENDING):
            lifecycle.move(referral, ReferralStatus.WITHDRAWN, actor, note=_("Consent withdrawn."))
    return locked
