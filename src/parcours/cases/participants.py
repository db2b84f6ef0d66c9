"""The one writer of access: participations are granted, widened and ended here only.

Every path that lets an organisation see a case — the referent adding a participant, a referral
accepted, a safe place accepted (the host), a hand-over (the former referent staying on) —
calls :func:`grant`; every path that takes access away calls :func:`end`. Each writes the
timeline event (codes and ids only) and the journal entry, and makes the access decisions kept
for this request stale (``access.rules.forget``).

The sharing basis is one validated value (:class:`Basis`):
- the person's consent, with its date: refused once the person refused all sharing, and for a
  minor, whose information is shared between professionals only as child-protection law allows;
- or a named legal basis; for a minor, child protection (CASF L226-2-2) or a judicial
  requisition only.

A participation widened into the host of a safe place keeps what it had before: ending the host
role restores it (the association that also runs the shelter goes back to seeing what it saw).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.enums import EventKind, LegalBasis, ParticipantRole, SharingBasis
from parcours.cases.models import Participant
from parcours.cases.timeline import add_event
from parcours.core import dates
from parcours.core.errors import DomainError
from parcours.core.groups import ALL_GROUPS, FieldGroup, sorted_groups

# Legal bases that allow sharing a minor's information (DOMAIN.md section 7).
MINOR_LEGAL_BASES = frozenset({LegalBasis.CHILD_PROTECTION, LegalBasis.JUDICIAL_REQUISITION})


@dataclass(frozen=True)
class Basis:
    """Why an organisation may see the case: the person's consent on a date, or a legal basis."""

    kind: str
    consent_date: datetime.date | None = None
    legal_basis: str = ""

    @classmethod
    def consent(cls, on: datetime.date | None) -> "Basis":
        return cls(SharingBasis.CONSENT, consent_date=on)

    @classmethod
    def legal(cls, code: str) -> "Basis":
        return cls(SharingBasis.LEGAL, legal_basis=code or "")

    @classmethod
    def of(cls, kind: str, consent_date=None, legal_basis: str = "") -> "Basis":
        if kind == SharingBasis.CONSENT:
            return cls.consent(consent_date)
        if kind == SharingBasis.LEGAL:
            return cls.legal(legal_basis)
        raise DomainError(_("Say on which basis the case may be shared."))

    @property
    def journal_reason(self) -> str:
        return f"{self.kind}:{self.legal_basis}" if self.legal_basis else self.kind


def is_minor(case, today: datetime.date | None = None) -> bool:
    """Under 18 today, taking the youngest age a partial date of birth allows; or saying so,
    until a decision says otherwise (``identification.minors``: treated as a minor meanwhile)."""
    from parcours.identification.minors import claims_minor

    age = case.person.age_on(today or timezone.localdate())
    if age is not None and age < 18:
        return True
    return claims_minor(case)


def sharing_refused(case) -> bool:
    from parcours.cases.sharing_refusal import already_recorded

    return already_recorded(case)


def check_basis(case, basis: Basis) -> Basis:
    """Refuse a basis that does not allow sharing this person's case; return it when it does."""
    if basis.kind == SharingBasis.CONSENT:
        if basis.consent_date is None:
            raise DomainError(_("Give the date on which the person consented."))
        if basis.consent_date > timezone.localdate():
            raise DomainError(_("The consent date cannot be in the future."))
        dates.ensure(basis.consent_date, dates.PAST_EVENT)
        if sharing_refused(case):
            raise DomainError(
                _(
                    "The person refused all sharing: consent cannot be recorded for another "
                    "organisation. Only a legal basis allows it."
                )
            )
        if is_minor(case):
            raise DomainError(
                _(
                    "The person is a minor: information is shared between professionals under "
                    "child-protection law (CASF L226-2-2), not on the minor's consent."
                )
            )
        return basis
    if basis.kind == SharingBasis.LEGAL:
        if basis.legal_basis not in LegalBasis.values:
            raise DomainError(_("Name the legal basis for sharing without consent."))
        if is_minor(case) and basis.legal_basis not in MINOR_LEGAL_BASES:
            raise DomainError(
                _(
                    "The person is a minor: the legal basis is child protection (CASF "
                    "L226-2-2) or a judicial requisition."
                )
            )
        return basis
    raise DomainError(_("Say on which basis the case may be shared."))


def _event_group(role: str) -> str:
    """A host shelter's name says where the person is: its events belong to the location group."""
    return FieldGroup.LOCATION if role == ParticipantRole.SHELTER else FieldGroup.SOCIAL


def grant(
    actor,
    case,
    organisation,
    *,
    role: str,
    groups,
    basis: Basis,
    granter_groups=None,
    at=None,
    related=None,
    journal_reason: str = "",
) -> Participant:
    """Let ``organisation`` see ``groups`` of ``case`` on ``basis``; an organisation already
    taking part is widened (never narrowed). ``granter_groups``, when given, are the groups of
    whoever decided the sharing: nobody shares what they do not see themselves."""
    check_basis(case, basis)
    groups = set(groups) & ALL_GROUPS
    if not groups:
        raise DomainError(_("Choose at least one kind of information to share."))
    if granter_groups is not None and not groups <= set(granter_groups):
        raise DomainError(_("You cannot share information that you do not see yourself."))
    if organisation.pk == case.referent_org_id:
        raise DomainError(_("The referent organisation already sees the whole case."))
    now = at or timezone.now()
    with transaction.atomic():
        current = (
            case.participants.select_for_update()
            .filter(organisation=organisation, active=True)
            .first()
        )
        if current is not None:
            becomes_host = role == ParticipantRole.SHELTER and current.role != role
            wanted = set(sorted_groups({*current.groups, *groups}))
            if not becomes_host and wanted == set(current.groups):
                return current
            if becomes_host:
                # Keep what it had: ending the host role brings it back (``end``).
                _close(current, now)
                participation = _create(actor, case, organisation, role, wanted, basis, now)
            else:
                current.groups = sorted_groups(wanted)
                current.save(update_fields=["groups"])
                participation = current
        else:
            participation = _create(actor, case, organisation, role, groups, basis, now)
        add_event(
            case,
            actor,
            EventKind.PARTICIPANT_ADDED,
            at=now,
            group=_event_group(participation.role),
            data=_event_data(organisation, related),
        )
        record(
            actor,
            Action.ADD_PARTICIPANT,
            case,
            related=related,
            groups=participation.groups,
            reason=journal_reason or basis.journal_reason,
        )
    rules.forget()
    return participation


def _create(actor, case, organisation, role, groups, basis, now) -> Participant:
    return Participant.objects.create(
        case=case,
        organisation=organisation,
        role=role,
        groups=sorted_groups(groups),
        basis=basis.kind,
        consent_date=basis.consent_date if basis.kind == SharingBasis.CONSENT else None,
        legal_basis=basis.legal_basis if basis.kind == SharingBasis.LEGAL else "",
        added_at=now,
        added_by=actor.user,
    )


def _replaced_by_host(participation: Participant) -> Participant | None:
    """The participation a host role widened: same organisation, ended the instant the host
    participation began (``grant`` closes one and opens the other at the same time)."""
    if participation.role != ParticipantRole.SHELTER:
        return None
    return (
        Participant.objects.filter(
            case_id=participation.case_id,
            organisation_id=participation.organisation_id,
            active=False,
            ended_at=participation.added_at,
        )
        .exclude(role=ParticipantRole.SHELTER)
        .first()
    )


def _close(participation: Participant, now) -> None:
    participation.active = False
    participation.ended_at = now
    participation.save(update_fields=["active", "ended_at"])


def _event_data(organisation, related=None) -> dict:
    data = {"organisation_id": organisation.pk}
    if related is not None and getattr(related, "ref", ""):
        data["related"] = related.ref
    return data


def end(actor, participation: Participant, *, reason: str = "", restore: bool = True):
    """End a participation from the next request on. A host role that widened an earlier
    participation gives that one back (``restore``); the journal says why."""
    if not participation.active:
        return participation
    case = participation.case
    now = timezone.now()
    with transaction.atomic():
        _close(participation, now)
        add_event(
            case,
            actor,
            EventKind.PARTICIPANT_ENDED,
            at=now,
            group=_event_group(participation.role),
            data=_event_data(participation.organisation),
        )
        record(actor, Action.END_PARTICIPANT, case, reason=reason)
        previous = _replaced_by_host(participation) if restore else None
        if (
            previous is not None
            and not case.participants.filter(
                organisation_id=participation.organisation_id, active=True
            ).exists()
        ):
            restored = _create(
                actor,
                case,
                participation.organisation,
                previous.role,
                previous.groups,
                Basis(previous.basis, previous.consent_date, previous.legal_basis),
                now,
            )
            add_event(
                case,
                actor,
                EventKind.PARTICIPANT_ADDED,
                at=now,
                group=_event_group(restored.role),
                data=_event_data(restored.organisation),
            )
            record(
                actor,
                Action.ADD_PARTICIPANT,
                case,
                groups=restored.groups,
                reason="restored:" + Basis(restored.basis, None, restored.legal_basis).kind,
            )
    rules.forget()
    return participation


def end_all_on_consent(actor, case, *, reason: str) -> int:
    """The person refused all sharing: every participation that rested on consent ends."""
    ended = 0
    for participation in case.participants.filter(active=True, basis=SharingBasis.CONSENT):
        end(actor, participation, reason=reason, restore=False)
        ended += 1
    return ended
