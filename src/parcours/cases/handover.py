"""Handing a case over to another referent organisation, with that organisation's acceptance.

- The referent's caseworkers and managers propose, to an organisation that may hold cases
  (not a coordination, not a facility), saying why and on which basis the whole case may be
  shared with it: the person's consent (with its date) or a named legal basis. One proposal at a
  time per case; the proposer may cancel it.
- The receiving organisation's caseworkers and managers see the proposal (reference, who, why),
  not the person, and accept or decline (with a note). A second answer is refused.
- On acceptance, in one transaction: the case's referent changes (and its version), the new
  referent's participation ends if it had one (it now sees the whole case), the former referent
  stays as a participant following the social situation (identity and social) when the proposal
  said so, on the same basis; the timeline, the journal and both organisations are told.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.alerts.notify import notify
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import participants
from parcours.cases.enums import EventKind, ParticipantRole, SharingBasis
from parcours.cases.lifecycle import STALE
from parcours.cases.models import Case, Handover
from parcours.cases.timeline import add_event
from parcours.core import concurrency
from parcours.core.errors import DomainError, NotAllowed, StaleVersion

FORMER_REFERENT_GROUPS = ["identity", "social"]


def can_propose(actor, case) -> bool:
    return rules.can_edit_case(actor, case)


def can_answer(actor, handover: Handover) -> bool:
    """Caseworkers and managers of the organisation asked to become referent."""
    return (
        actor is not None
        and actor.membership is not None
        and actor.organisation_id == handover.to_org_id
        and actor.role in rules.CASE_EDITOR_ROLES
    )


def can_view(actor, handover: Handover) -> bool:
    """The caseworkers and managers of the two organisations concerned: the proposal carries no
    person data, but its reason is free text about the person's situation (a statistician of
    either organisation reads none of it)."""
    if actor is None or actor.membership is None or actor.role not in rules.CASE_EDITOR_ROLES:
        return False
    return actor.organisation_id in (handover.from_org_id, handover.to_org_id)


def pending(case) -> Handover | None:
    return case.handovers.filter(status=Handover.Status.PROPOSED).select_related("to_org").first()


def received_by(actor):
    """Proposals waiting for the actor's organisation to answer, for those who may answer."""
    if actor is None or actor.membership is None or actor.role not in rules.CASE_EDITOR_ROLES:
        return Handover.objects.none()
    return Handover.objects.filter(
        to_org_id=actor.organisation_id, status=Handover.Status.PROPOSED
    ).select_related("case", "from_org")


def propose(
    actor,
    case: Case,
    *,
    to_org,
    reason: str,
    basis: str,
    consent_date=None,
    legal_basis: str = "",
    former_stays: bool = True,
) -> Handover:
    if not can_propose(actor, case):
        raise NotAllowed(_("Only the referent organisation can hand the case over."))
    if to_org.pk == case.referent_org_id:
        raise DomainError(_("This organisation is already the referent."))
    if not rules.may_hold_cases(to_org):
        raise DomainError(_("A coordination or a facility cannot be the referent of a case."))
    if not reason.strip():
        raise DomainError(_("Say why the case is handed over."))
    if basis == SharingBasis.CONSENT:
        if consent_date is None:
            raise DomainError(_("Give the date on which the person consented."))
        if consent_date > timezone.localdate():
            raise DomainError(_("The consent date cannot be in the future."))
        legal_basis = ""
    elif basis == SharingBasis.LEGAL:
        if not legal_basis:
            raise DomainError(_("Name the legal basis for sharing without consent."))
        consent_date = None
    else:
        raise DomainError(_("Say on which basis the case may be shared."))
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                case=case,
                from_org=case.referent_org,
                to_org=to_org,
                reason=reason.strip(),
                former_stays=former_stays,
                basis=basis,
                consent_date=consent_date,
                legal_basis=legal_basis,
                proposed_at=timezone.now(),
                proposed_by=actor.user,
            )
    except IntegrityError:
        raise DomainError(_("A hand-over of this case is already waiting for an answer.")) from None
    add_event(
        case,
        actor,
        EventKind.HANDOVER,
        data={"organisation_id": to_org.pk, "step": "proposed"},
    )
    record(
        actor,
        Action.HANDOVER_PROPOSE,
        case,
        reason=f"{to_org.pk}:{basis}:{legal_basis}" if legal_basis else f"{to_org.pk}:{basis}",
    )
    notify("handover_proposed", to_org, ref=case.ref, link=handover.get_absolute_url())
    return handover


def _lock(handover: Handover) -> Handover:
    locked = Handover.objects.select_for_update().select_related("case").get(pk=handover.pk)
    if locked.status != Handover.Status.PROPOSED:
        raise StaleVersion(
            _("This hand-over was already answered (%(status)s).")
            % {"status": Handover.Status(locked.status).label}
        )
    return locked


def accept(actor, handover: Handover, expected_version: int) -> Handover:
    if not can_answer(actor, handover):
        raise NotAllowed(_("Only the organisation asked can answer this hand-over."))
    with transaction.atomic():
        handover = _lock(handover)
        case = concurrency.lock(Case.objects, handover.case_id, expected_version, stale=STALE)
        if case.referent_org_id != handover.from_org_id:
            raise StaleVersion(str(STALE))
        now = timezone.now()
        former = case.referent_org
        case.referent_org = handover.to_org
        case.referent_user = actor.user
        case.save(update_fields=["referent_org", "referent_user", *concurrency.bump(case)])
        # The new referent sees everything as referent: its participation, if any, ends.
        for participation in case.participants.filter(organisation=handover.to_org, active=True):
            participants.end(actor, participation, reason="handover:referent", restore=False)
        if handover.former_stays:
            participants.grant(
                actor,
                case,
                former,
                role=ParticipantRole.SUPPORT,
                groups=FORMER_REFERENT_GROUPS,
                basis=participants.Basis.of(
                    handover.basis, handover.consent_date, handover.legal_basis
                ),
                at=now,
                journal_reason="handover:former",
            )
        rules.forget()
        handover.status = Handover.Status.ACCEPTED
        handover.answered_at = now
        handover.answered_by = actor.user
        handover.save(update_fields=["status", "answered_at", "answered_by"])
        add_event(
            case,
            actor,
            EventKind.HANDOVER,
            at=now,
            data={"organisation_id": handover.to_org_id, "step": "accepted"},
        )
        record(actor, Action.HANDOVER_ANSWER, case, reason=f"accepted:{former.pk}")
        notify(
            "handover_accepted",
            former,
            ref=case.ref,
            link=case.get_absolute_url() if handover.former_stays else "",
        )
    return handover


def decline(actor, handover: Handover, note: str) -> Handover:
    if not can_answer(actor, handover):
        raise NotAllowed(_("Only the organisation asked can answer this hand-over."))
    if not note.strip():
        raise DomainError(_("Say why you decline."))
    return _close(actor, handover, Handover.Status.DECLINED, note.strip(), "handover_declined")


def cancel(actor, handover: Handover) -> Handover:
    if not rules.can_edit_case(actor, handover.case) or handover.from_org_id != (
        actor.organisation_id
    ):
        raise NotAllowed(_("Only the referent organisation can cancel its hand-over."))
    return _close(actor, handover, Handover.Status.CANCELLED, "", None)


def _close(actor, handover, status, note, kind) -> Handover:
    with transaction.atomic():
        handover = _lock(handover)
        handover.status = status
        handover.answered_at = timezone.now()
        handover.answered_by = actor.user
        handover.answer_note = note
        handover.save(update_fields=["status", "answered_at", "answered_by", "answer_note"])
        case = handover.case
        add_event(
            case,
            actor,
            EventKind.HANDOVER,
            summary=note,
            data={"organisation_id": handover.to_org_id, "step": status},
        )
        record(actor, Action.HANDOVER_ANSWER, case, reason=status)
        if kind:
            notify(
                kind,
                handover.from_org,
                ref=case.ref,
                link=case.get_absolute_url(),
            )
    return handover
