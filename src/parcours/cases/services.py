"""Services on cases: open one from an intake, log contacts, add and remove participants.

Each service checks the rule, writes in one transaction, and journals what it did.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import lifecycle, participants
from parcours.cases.enums import CaseStatus, ContactChannel, EventKind
from parcours.cases.models import Case, Contact, Event, Participant, Transition
from parcours.cases.timeline import add_event
from parcours.core import dates
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import ALL_GROUPS, FieldGroup
from parcours.people.models import FIELD_GROUPS, Person
from parcours.people.search import reindex

INTAKE_FIELDS = set(FIELD_GROUPS[FieldGroup.IDENTITY]) | {
    "location_now",
    "safety_notes",
    "health_notes",
    "justice_notes",
    "immigration_notes",
    "social_notes",
}


def open_case(
    actor,
    person_data: dict,
    *,
    intake_token: uuid.UUID | None = None,
    first_contact: str = "",
    opened_at: datetime.datetime | None = None,
    person: Person | None = None,
    operation: str = "",
    referent_org=None,
    origin: dict | None = None,
) -> Case:
    """Create the person (or use ``person``) and a new case with the actor's organisation as
    referent. Posting the same intake twice (same ``intake_token``) returns the first case.
    ``operation`` tags the cases opened together (``shelter.intake.open_group``).

    ``referent_org``: a territorial coordinator opens the case for that organisation of their
    département (``rules.can_open_case_for``; from a public report), which becomes referent with
    no referent member yet. ``origin`` holds codes only (``{"report": "S-…"}``), kept on the
    opening event of the timeline."""
    if referent_org is None:
        if not rules.can_open_case(actor):
            raise NotAllowed(_("Your role does not allow opening a case."))
        referent_org, referent_user = actor.organisation, actor.user
    else:
        if not rules.can_open_case_for(actor, referent_org):
            raise NotAllowed(_("You cannot open a case for this organisation."))
        referent_user = None
    if intake_token is not None:
        existing = Case.objects.filter(intake_token=intake_token).first()
        if existing is not None:
            if existing.referent_org_id != referent_org.pk:
                raise NotAllowed(_("This form was already used."))
            return existing
    unknown = set(person_data) - INTAKE_FIELDS
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if person is None and not (
        person_data.get("family_name")
        or person_data.get("given_names")
        or person_data.get("aliases")
    ):
        raise DomainError(_("Give at least a name or an alias, even an approximate one."))
    now = opened_at or timezone.now()
    try:
        with transaction.atomic():
            if person is None:
                person = Person.objects.create(**person_data)
                reindex(person)
                episode = 1
            else:
                episode = (
                    person.cases.order_by("-episode").values_list("episode", flat=True).first() or 0
                ) + 1
            case = Case.objects.create(
                person=person,
                episode=episode,
                referent_org=referent_org,
                referent_user=referent_user,
                opened_at=now,
                intake_token=intake_token,
                created_by=actor.user,
                last_contact_at=now,
                operation=operation.strip()[:60],
            )
            Transition.objects.create(
                case=case,
                from_status="",
                to_status=CaseStatus.OPEN,
                at=now,
                by_user=actor.user,
                by_org=actor.organisation,
            )
            add_event(case, actor, EventKind.OPENED, at=now, summary=first_contact, data=origin)
            record(actor, Action.CREATE_CASE, case, groups=ALL_GROUPS, related=person)
    except IntegrityError:
        # A concurrent post of the same intake won the race: hand back its case.
        existing = Case.objects.filter(intake_token=intake_token).first() if intake_token else None
        if existing is None:
            raise
        if existing.referent_org_id != referent_org.pk:
            raise NotAllowed(_("This form was already used.")) from None
        return existing
    return case


def log_contact(
    actor,
    case: Case,
    *,
    channel: str,
    at=None,
    note: str = "",
    request_token: uuid.UUID | None = None,
) -> Contact:
    """Record a contact attempt. A reached person brings a 'contact lost' case back to followed."""
    if not rules.can_log_contact(actor, case):
        raise NotAllowed(_("You cannot log contacts on this case."))
    if channel not in ContactChannel.values:
        raise DomainError(_("Choose how the contact took place."))
    at = at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError(_("A contact cannot be in the future."))
    dates.ensure(at, dates.PAST_EVENT)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if request_token is not None:
            existing = Contact.objects.filter(request_token=request_token).first()
            if existing is not None:
                if existing.case_id != case.pk:
                    raise DomainError(_("This form was already used."))
                return existing
        contact = Contact.objects.create(
            case=locked,
            at=at,
            channel=channel,
            by_user=actor.user,
            by_org=actor.organisation,
            note=note,
            request_token=request_token or uuid.uuid4(),
        )
        add_event(locked, actor, EventKind.CONTACT, at=at, summary=note, data={"channel": channel})
        if contact.reached and (locked.last_contact_at is None or at > locked.last_contact_at):
            locked.last_contact_at = at
            locked.save(update_fields=["last_contact_at"])
        if contact.reached and locked.status == CaseStatus.CONTACT_LOST:
            lifecycle.apply_move(
                locked, CaseStatus.FOLLOWED, actor, reason=_("New contact with the person.")
            )
        record(actor, Action.LOG_CONTACT, locked, groups=[FieldGroup.SOCIAL])
    return contact


def add_participant(
    actor,
    case: Case,
    *,
    organisation,
    role: str,
    groups,
    basis: str,
    consent_date=None,
    legal_basis: str = "",
    at=None,
) -> Participant:
    """The referent lets another organisation take part, seeing exactly ``groups`` (never more
    than the member adding it sees), on the person's consent or a legal basis
    (``parcours.cases.participants``, the one writer of access)."""
    if not rules.can_edit_case(actor, case):
        raise NotAllowed(_("Only the referent organisation can add participants."))
    if case.participants.filter(organisation=organisation, active=True).exists():
        raise DomainError(_("This organisation already takes part in the case."))
    return participants.grant(
        actor,
        case,
        organisation,
        role=role,
        groups=groups,
        basis=participants.Basis.of(basis, consent_date, legal_basis),
        granter_groups=rules.groups_for(actor, case),
        at=at,
    )


def end_participant(actor, participant: Participant, *, reason: str = "") -> Participant:
    """Stop an organisation's participation: it loses access from its next request."""
    if not rules.can_edit_case(actor, participant.case):
        raise NotAllowed(_("Only the referent organisation can remove participants."))
    return participants.end(actor, participant, reason=reason)


def add_note(actor, case: Case, *, text: str, group: str = FieldGroup.SOCIAL) -> Event:
    """A free note on the timeline, readable by those who see ``group``."""
    if group not in rules.groups_for(actor, case) or not rules.can_log_contact(actor, case):
        raise NotAllowed(_("You cannot add this kind of note to this case."))
    if not text.strip():
        raise DomainError(_("The note is empty."))
    with transaction.atomic():
        event = add_event(case, actor, EventKind.NOTE, group=group, summary=text.strip())
        record(actor, Action.ADD_NOTE, case, groups=[group])
    return event
