"""Appointments of a pathway: when, what for, where, and which organisations attend."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.access.groups import FieldGroup
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.models import Appointment, Case
from parcours.core.errors import DomainError, NotAllowed


def can_plan(actor, case) -> bool:
    """The referent's caseworkers and managers plan appointments for the person."""
    return rules.can_edit_case(actor, case)


def visible_appointments(actor, case):
    """With the social group, every appointment; otherwise those the actor's organisation
    attends. Each comes with whether its place may be shown to the actor."""
    groups = rules.groups_for(actor, case)
    if not groups or actor.membership is None:
        return []
    appointments = case.appointments.filter(cancelled_at__isnull=True).prefetch_related("attendees")
    if FieldGroup.SOCIAL not in groups:
        appointments = appointments.filter(attendees=actor.organisation).distinct()
    return [
        (a, FieldGroup.LOCATION in groups or actor.organisation in a.attendees.all())
        for a in appointments
    ]


def plan(actor, case: Case, *, at, purpose: str, place: str = "", attendees=()) -> Appointment:
    """Plan an appointment; attendees must take part in the pathway."""
    if not can_plan(actor, case):
        raise NotAllowed(_("Only the referent organisation plans appointments."))
    if not (purpose or "").strip():
        raise DomainError(_("Say what the appointment is for."))
    if at < timezone.now():
        raise DomainError(_("An appointment is planned in the future."))
    allowed = Q(pk=case.referent_org_id) | Q(participations__case=case, participations__active=True)
    from parcours.accounts.models import Organisation

    attendees = list(attendees)
    if len(
        Organisation.objects.filter(allowed, pk__in=[o.pk for o in attendees]).distinct()
    ) != len(attendees):
        raise DomainError(_("Only organisations taking part in the pathway can attend."))
    with transaction.atomic():
        appointment = Appointment.objects.create(
            case=case,
            at=at,
            purpose=purpose.strip(),
            place=place.strip(),
            created_at=timezone.now(),
            created_by=actor.user,
        )
        appointment.attendees.set(attendees)
        record(
            actor, Action.PLAN_APPOINTMENT, case, groups=[FieldGroup.SOCIAL, FieldGroup.LOCATION]
        )
    return appointment
