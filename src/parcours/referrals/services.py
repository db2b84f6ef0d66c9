"""Referral services: send one from a case, answer it, withdraw it, read its attempts.

Each service checks the rule (``referrals.rules``), writes in one transaction, and journals.
The directory, consents and deadlines live in their own modules and are re-exported here.
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules as access_rules
from parcours.audit.journal import record
from parcours.cases import participants
from parcours.cases.enums import LegalBasis, ParticipantRole, SharingBasis
from parcours.cases.models import Participant
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import ALL_GROUPS, MINIMUM_GROUPS, FieldGroup, sorted_groups
from parcours.referrals import lifecycle
from parcours.referrals.actions import REFERRAL_CREATE, REFERRAL_LEGAL_BASIS
from parcours.referrals.consent import active_consent, record_consent, withdraw_consent
from parcours.referrals.deadlines import due_at, expire_overdue, overdue
from parcours.referrals.directory import directory_search
from parcours.referrals.enums import REFUSAL_CODES, ReferralStatus, ServiceKind, Urgency
from parcours.referrals.models import Referral, ReferralTransition, Service
from parcours.referrals.rules import (
    can_answer_referral,
    can_send_referral,
    can_withdraw_referral,
)

__all__ = [
    "accept",
    "acknowledge",
    "attempts",
    "create_and_send",
    "directory_search",
    "due_at",
    "expire_overdue",
    "overdue",
    "record_consent",
    "refuse",
    "send",
    "withdraw",
    "withdraw_consent",
]

S = ReferralStatus
K = ServiceKind
PARTICIPANT_ROLE: dict[str, str] = {
    K.SHELTER: ParticipantRole.SHELTER,
    K.EMERGENCY_HOUSING_115: ParticipantRole.SHELTER,
    K.HEALTH: ParticipantRole.HEALTH,
    K.LEGAL_AID: ParticipantRole.LEGAL,
    K.INSERTION: ParticipantRole.INSERTION,
    K.CHILD_PROTECTION: ParticipantRole.CHILD_PROTECTION,
    K.CHILD_WELFARE_YOUNG_ADULT: ParticipantRole.CHILD_PROTECTION,
    K.RESIDENCE_PERMIT: ParticipantRole.RESIDENCE,
    K.HEALTH_ACCESS_PASS: ParticipantRole.HEALTH,
    K.ACSE: ParticipantRole.SHELTER,
    K.COMPLAINT: ParticipantRole.INVESTIGATION,
    K.PROSECUTOR_MINORS: ParticipantRole.CHILD_PROTECTION,
}  # interpreting, social support, health insurance, domiciliation, ADA: support


def create_and_send(
    actor,
    case,
    service: Service,
    *,
    purpose: str,
    shared_groups=None,
    urgency: str = Urgency.NORMAL,
    basis: str = SharingBasis.CONSENT,
    legal_basis: str = "",
    request_token: uuid.UUID,
    organisation=None,
    draft: bool = False,
    right: str = "",
) -> Referral:
    """Create a referral of ``case`` to ``service`` and send it (unless ``draft``).

    ``organisation``, when given (a form naming both), must be the one offering the service.
    ``shared_groups`` defaults to the minimum (identity). ``right``: the rights catalogue's id
    of the right asked for, checked against the service by the caller (``parcours.rights``
    sits above this app). Posting the same ``request_token``
    twice, even concurrently, returns the first referral.
    """
    if not can_send_referral(actor, case):
        raise NotAllowed(_("Only the referent organisation can send referrals for this case."))
    existing = _same_request(actor, case, request_token)
    if existing is not None:
        return existing
    recipient = service.organisation
    if organisation is not None and organisation.pk != recipient.pk:
        raise DomainError(
            _("%(organisation)s does not offer the service “%(service)s”.")
            % {"organisation": organisation.name, "service": service.name}
        )
    if not service.active or not recipient.active:
        raise DomainError(
            _("%(organisation)s no longer offers the service “%(service)s”.")
            % {"organisation": recipient.name, "service": service.name}
        )
    if recipient.pk == case.referent_org_id:
        raise DomainError(_("Your organisation already sees the whole case."))
    groups = _check_groups(shared_groups)
    unseen = set(groups) - access_rules.groups_for(actor, case)
    if unseen:
        raise DomainError(
            _("You cannot share what you do not see yourself: %(groups)s")
            % {"groups": ", ".join(str(FieldGroup(g).label) for g in sorted_groups(unseen))}
        )
    if urgency not in Urgency.values:
        raise DomainError(_("Choose the urgency."))
    if basis not in SharingBasis.values:
        raise DomainError(_("Choose consent or a legal basis."))
    if basis == SharingBasis.LEGAL and legal_basis not in LegalBasis.values:
        raise DomainError(_("Name the legal basis for sharing without consent."))
    # The same rules as any participation: no consent after a refusal of all sharing, nor for
    # a minor (the consent's own date is checked when it is recorded).
    participants.check_basis(case, participants.Basis.of(basis, timezone.localdate(), legal_basis))
    if not purpose.strip():
        raise DomainError(_("Say what the referral is for."))
    if len(right) > Referral._meta.get_field("right").max_length:
        raise DomainError(_("Unknown right."))
    try:
        with transaction.atomic():
            now = timezone.now()
            referral = Referral.objects.create(
                case=case,
                service=service,
                from_org=actor.organisation,
                to_org=recipient,
                purpose=purpose.strip(),
                right=right,
                shared_groups=groups,
                urgency=urgency,
                basis=basis,
                legal_basis=legal_basis if basis == SharingBasis.LEGAL else "",
                request_token=request_token,
                created_at=now,
                created_by=actor.user,
            )
            ReferralTransition.objects.create(
                referral=referral,
                to_status=S.DRAFT,
                at=now,
                by_user=actor.user,
                by_org=actor.organisation,
            )
            record(actor, REFERRAL_CREATE, case, related=referral, groups=groups, reason=basis)
            if not draft:
                _send_locked(actor, referral)
    except IntegrityError:
        # A concurrent post of the same form won the race: hand back its referral.
        existing = _same_request(actor, case, request_token)
        if existing is None:
            raise
        return existing
    return referral


def _same_request(actor, case, request_token) -> Referral | None:
    existing = Referral.objects.filter(request_token=request_token).first()
    if existing is not None and (
        existing.case_id != case.pk or existing.from_org_id != actor.organisation_id
    ):
        raise DomainError(_("This form was already used."))
    return existing


def _check_groups(shared_groups) -> list[str]:
    groups = MINIMUM_GROUPS if shared_groups is None else set(shared_groups)
    unknown = set(groups) - ALL_GROUPS
    if unknown:
        raise DomainError(_("Unknown groups: %(groups)s") % {"groups": ", ".join(sorted(unknown))})
    if not groups:
        raise DomainError(_("Share at least the identity, or the recipient cannot act."))
    return sorted_groups(groups)


def send(actor, referral: Referral) -> Referral:
    """Send a draft: the consent (or the named legal basis) is checked at this moment."""
    if not can_send_referral(actor, referral.case):
        raise NotAllowed(_("Only the referent organisation can send referrals for this case."))
    with transaction.atomic():
        return _send_locked(actor, lifecycle.lock(referral))


def _send_locked(actor, referral: Referral) -> Referral:
    """No referral leaves without the person's consent to that recipient, unless the referent
    named a legal basis; that choice is journaled with its code, for the referent to see."""
    changes = {}
    if referral.basis == SharingBasis.CONSENT:
        consent = active_consent(referral.case, referral.to_org)
        if consent is None:
            raise DomainError(
                _(
                    "The person has not consented to sharing with %(organisation)s. Record "
                    "their consent first, or name the legal basis that allows sharing without it."
                )
                % {"organisation": referral.to_org.name}
            )
        changes["consent"] = consent
    else:
        record(
            actor,
            REFERRAL_LEGAL_BASIS,
            referral.case,
            related=referral,
            groups=referral.shared_groups,
            reason=referral.legal_basis,
        )
    return lifecycle.apply_move(referral, S.SENT, actor, changes=changes)


def acknowledge(actor, referral: Referral) -> Referral:
    """The recipient says it has received the referral and is looking at it."""
    _check_answerer(actor, referral)
    return lifecycle.move(referral, S.ACKNOWLEDGED, actor)


def accept(actor, referral: Referral, expected_version: int) -> Referral:
    """The recipient accepts: it becomes a participant of the case seeing exactly the shared
    groups, on the referral's basis (the consent's date, or the legal basis).

    The participant is created here rather than through ``cases.services.add_participant``,
    which requires the referent as actor: acceptance is done by the recipient, and journaling
    it under the referral's creator would record an act that person did not do (and fail once
    they left). The referent's decision was taken and journaled when sending; the move, the
    participation, the timeline event and the journal entry are written in one transaction.
    """
    _check_answerer(actor, referral)
    with transaction.atomic():
        locked = lifecycle.lock(referral, expected_version)
        if locked.basis == SharingBasis.CONSENT and (
            locked.consent is None or not locked.consent.active
        ):
            raise DomainError(
                _("The person withdrew their consent: this referral cannot be accepted.")
            )
        lifecycle.apply_move(locked, S.ACCEPTED, actor)
        _join_case(actor, locked)
    return locked


def _join_case(actor, referral: Referral) -> Participant:
    """Make the recipient a participant; one already taking part gains the shared groups. The
    sender chose the groups (among those it sees) when it sent the referral."""
    return participants.grant(
        actor,
        referral.case,
        referral.to_org,
        role=PARTICIPANT_ROLE.get(referral.service.kind, ParticipantRole.SUPPORT),
        groups=referral.shared_groups,
        basis=participants.Basis.of(
            referral.basis,
            referral.consent.given_on if referral.consent else None,
            referral.legal_basis,
        ),
        related=referral,
    )


def refuse(actor, referral: Referral, code: str, text: str, expected_version: int) -> Referral:
    """The recipient refuses with a coded reason from its kind of service; "other" needs text."""
    _check_answerer(actor, referral)
    codes = {c for c, _label in REFUSAL_CODES.get(referral.service.kind, [])}
    if code not in codes:
        raise DomainError(_("Choose a reason for refusal from the list for this service."))
    if code == "other" and not text.strip():
        raise DomainError(_("Explain the reason for refusal."))
    return lifecycle.move(
        referral,
        S.REFUSED,
        actor,
        expected_version=expected_version,
        changes={"refusal_code": code, "refusal_text": text.strip()},
    )


def withdraw(actor, referral: Referral, *, note: str = "") -> Referral:
    """The referring organisation takes its referral back (before an answer)."""
    if not can_withdraw_referral(actor, referral):
        raise NotAllowed(_("Only the organisation that sent this referral can withdraw it."))
    return lifecycle.move(referral, S.WITHDRAWN, actor, note=note)


def _check_answerer(actor, referral: Referral) -> None:
    if not can_answer_referral(actor, referral):
        raise NotAllowed(_("Only the organisation this referral is addressed to can answer it."))


def attempts(case, service_kind: str) -> list[Referral]:
    """The referrals of ``case`` to this kind of service, oldest first (drafts left out): "the
    115 called four times" is one line of attempts, each with its status and refusal code."""
    return list(
        Referral.objects.filter(case=case, service__kind=service_kind)
        .exclude(status=S.DRAFT)
        .select_related("service", "to_org")
        .order_by("created_at", "pk")
    )
