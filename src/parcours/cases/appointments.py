"""Appointments of a pathway: when, what for, where, and which organisations attend."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.models import Appointment, Case
from parcours.core import dates
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup


def can_plan(actor, case) -> bool:
    """The referent's caseworkers and managers plan appointments for the person; a coordinator
    of the case may too (that is how a place inside a danger zone can be allowed, with a
    written reason)."""
    from parcours.shelter.rules import is_case_coordinator

    return rules.can_edit_case(actor, case) or is_case_coordinator(actor, case)


def plan(
    actor,
    case: Case,
    *,
    at,
    purpose: str,
    place: str = "",
    attendees=(),
    departement: str = "",
    lat=None,
    lon=None,
    override_reason: str = "",
) -> Appointment:
    """Plan an appointment; attendees must take part in the pathway. When its département or its
    point is given, the place must be outside every danger zone (``shelter.safety``): a place
    inside one is refused unless a coordinator of the case overrides with a written reason. The
    point, when given, decides the département (one typed that disagrees is refused)."""
    if not can_plan(actor, case):
        raise NotAllowed(_("Only the referent organisation plans appointments."))
    if not (purpose or "").strip():
        raise DomainError(_("Say what the appointment is for."))
    if at < timezone.now():
        raise DomainError(_("An appointment is planned in the future."))
    dates.ensure(at, dates.PLANNED)
    allowed = Q(pk=case.referent_org_id) | Q(participations__case=case, participations__active=True)
    from parcours.accounts.models import Organisation

    attendees = list(attendees)
    if len(
        Organisation.objects.filter(allowed, pk__in=[o.pk for o in attendees]).distinct()
    ) != len(attendees):
        raise DomainError(_("Only organisations taking part in the pathway can attend."))
    where = None
    if departement or lat is not None or lon is not None:
        from parcours.shelter import safety

        where = safety.checked_place(departement, lat, lon, label=place)
    with transaction.atomic():
        if where is not None:
            safety.enforce(actor, case, where, what="appointment", override_reason=override_reason)
        appointment = Appointment.objects.create(
            case=case,
            at=at,
            purpose=purpose.strip(),
            place=place.strip(),
            where=(
                {"departement": where.departement, "lat": where.lat, "lon": where.lon}
                if where is not None
                else None
            ),
            created_at=timezone.now(),
            created_by=actor.user,
        )
        appointment.attendees.set(attendees)
        record(
            actor, Action.PLAN_APPOINTMENT, case, groups=[FieldGroup.SOCIAL, FieldGroup.LOCATION]
        )
    return appointment
