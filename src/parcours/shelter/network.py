"""The shelter network: facilities and their availability.

A facility's own staff update its free places (pages and API); every update is kept
(``AvailabilityUpdate``) and journaled. An update that would make occupancy negative or above
capacity is refused. Availability older than ``PARCOURS_AVAILABILITY_STALE_HOURS`` is shown as
stale and ranked lower. The matching side sees facilities as plain rows
(``shelter.matching.FacilityRow``).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from parcours.shelter import rules
from parcours.shelter.enums import PlacementStatus
from parcours.shelter.models import AvailabilityUpdate, Facility


def stale_after_hours() -> float:
    return float(settings.AVAILABILITY_STALE_HOURS)


def is_stale(facility, now=None) -> bool:
    now = now or timezone.now()
    if facility.availability_at is None:
        return True
    return (now - facility.availability_at).total_seconds() / 3600 > stale_after_hours()


def facilities_of(actor):
    """The facilities whose availability the actor keeps."""
    if actor is None or actor.membership is None or actor.role not in rules.FACILITY_ROLES:
        return Facility.objects.none()
    return Facility.objects.filter(organisation_id=actor.organisation_id, active=True)


def update_availability(
    actor, facility: Facility, free: int, *, expected_version=None, via: str = "page"
) -> Facility:
    """Set the number of free places now (0 to capacity)."""
    if not rules.works_for(actor, facility):
        raise NotAllowed(_("Only the facility's own staff can update its availability."))
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(
                _("The availability was changed meanwhile. Reload the page and try again.")
            )
        if free is None or free < 0:
            raise DomainError(_("Free places cannot be negative."))
        if free > locked.capacity:
            raise DomainError(
                _("Free places cannot exceed the capacity (%(capacity)d).")
                % {"capacity": locked.capacity}
            )
        now = timezone.now()
        locked.free = free
        locked.availability_at = now
        locked.version += 1
        locked.save(update_fields=["free", "availability_at", "version"])
        AvailabilityUpdate.objects.create(
            facility=locked, free=free, at=now, by_user=actor.user, via=via
        )
        record(actor, Action.AVAILABILITY_UPDATE, reason=f"{locked.pk}:{free}")
    return locked


def hold(facility: Facility, places: int) -> Facility:
    """Take ``places`` of the facility's free places for a proposal (row locked: of two
    proposals for the last place, one gets it, the other is told)."""
    locked = Facility.objects.select_for_update().get(pk=facility.pk)
    if locked.free < places:
        raise DomainError(
            _("%(name)s has no free place any more: another proposal took it.")
            % {"name": locked.name}
        )
    locked.free -= places
    locked.version += 1
    locked.save(update_fields=["free", "version"])
    return locked


def release(facility: Facility, places: int) -> Facility:
    """Give back the places of a declined or cancelled proposal (never above capacity)."""
    locked = Facility.objects.select_for_update().get(pk=facility.pk)
    locked.free = min(locked.capacity, locked.free + places)
    locked.version += 1
    locked.save(update_fields=["free", "version"])
    return locked


def recent_acceptance_rate(facility_ids, days: int = 90) -> dict[int, float]:
    """Share of the proposals each facility answered lately that it accepted (0.5 without
    history)."""
    import datetime

    from django.db.models import Count, Q

    from parcours.shelter.models import Placement

    since = timezone.now() - datetime.timedelta(days=days)
    rows = (
        Placement.objects.filter(facility_id__in=facility_ids, created_at__gte=since)
        .values("facility_id")
        .annotate(
            answered=Count(
                "pk",
                filter=Q(
                    status__in=[
                        PlacementStatus.ACCEPTED,
                        PlacementStatus.ARRIVED,
                        PlacementStatus.DECLINED,
                    ]
                ),
            ),
            accepted=Count(
                "pk", filter=Q(status__in=[PlacementStatus.ACCEPTED, PlacementStatus.ARRIVED])
            ),
        )
    )
    return {r["facility_id"]: r["accepted"] / r["answered"] for r in rows if r["answered"]}


def rows(facilities=None, now=None):
    """The active facilities as matching rows."""
    from parcours.shelter.matching import FacilityRow

    now = now or timezone.now()
    facilities = list(Facility.objects.filter(active=True) if facilities is None else facilities)
    rates = recent_acceptance_rate([f.pk for f in facilities])
    result = []
    for f in facilities:
        age = (now - f.availability_at).total_seconds() / 3600 if f.availability_at else 1e6
        result.append(
            FacilityRow(
                id=f.pk,
                lat=f.lat,
                lon=f.lon,
                departement=f.departement,
                capacity=f.capacity,
                free=f.free,
                accepts_women=f.accepts_women,
                accepts_men=f.accepts_men,
                accepts_minors=f.accepts_minors,
                accepts_adults=f.accepts_adults,
                families=f.families,
                pets=f.pets,
                languages=frozenset(lang.lower() for lang in f.languages),
                security_level=f.security_level,
                availability_age_hours=age,
                recent_acceptance_rate=rates.get(f.pk, 0.5),
            )
        )
    return result
