"""The shelter network: facilities and their availability.

A facility's own staff update its free places (pages and API); every update is kept
(``AvailabilityUpdate``) and journaled. An update that would make occupancy negative or above
capacity is refused. Availability older than ``PARCOURS_AVAILABILITY_STALE_HOURS`` is shown as
stale and ranked lower. The matching side sees facilities as plain rows
(``shelter.matching.FacilityRow``), placed by their coordinates: the département a row carries
is the one its point lies in (``core.geography``), whatever the département stored beside it,
with the départements at whose edge it stands.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core import concurrency
from parcours.core.errors import DomainError, NotAllowed
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
    """Set the number of empty places now (0 to capacity); the places promised to proposals
    under way are taken off, so that the last place is never promised twice."""
    if not rules.works_for(actor, facility):
        raise NotAllowed(_("Only the facility's own staff can update its availability."))
    with transaction.atomic():
        locked = concurrency.lock(
            Facility.objects,
            facility.pk,
            expected_version,
            stale=_("The availability was changed meanwhile. Reload the page and try again."),
        )
        if free is None or free < 0:
            raise DomainError(_("Free places cannot be negative."))
        if free > locked.capacity:
            raise DomainError(
                _("Free places cannot exceed the capacity (%(capacity)d).")
                % {"capacity": locked.capacity}
            )
        # Places promised to proposals under way are not free any more, even while the beds
        # are still empty: the staff count empty beds, Parcours keeps the promises.
        held = held_places(locked)
        if free < held:
            raise DomainError(
                _(
                    "%(held)d places are promised to proposals under way: answer them (accept "
                    "or decline) before saying fewer than %(held)d places are free."
                )
                % {"held": held}
            )
        now = timezone.now()
        free -= held
        locked.free = free
        locked.availability_at = now
        locked.save(update_fields=["free", "availability_at", *concurrency.bump(locked)])
        AvailabilityUpdate.objects.create(
            facility=locked, free=free, at=now, by_user=actor.user, via=via
        )
        record(actor, Action.AVAILABILITY_UPDATE, reason=f"{locked.pk}:{free}")
    return locked


def held_places(facility: Facility) -> int:
    """Places held by the facility's proposals not yet declined, cancelled or arrived."""
    from django.db.models import Sum

    from parcours.shelter.enums import HOLDING
    from parcours.shelter.models import Placement

    total = Placement.objects.filter(facility=facility, status__in=HOLDING).aggregate(
        n=Sum("places")
    )["n"]
    return total or 0


def hold(facility: Facility, places: int) -> Facility:
    """Take ``places`` of the facility's free places for a proposal (row locked: of two
    proposals for the last place, one gets it, the other is told)."""
    locked = Facility.objects.select_for_update().get(pk=facility.pk)
    if locked.free < places:
        raise DomainError(_("No free place any more: another proposal took it."))
    locked.free -= places
    locked.save(update_fields=["free", *concurrency.bump(locked)])
    return locked


def release(facility: Facility, places: int) -> Facility:
    """Give back the places of a declined or cancelled proposal (never above capacity)."""
    locked = Facility.objects.select_for_update().get(pk=facility.pk)
    locked.free = min(locked.capacity, locked.free + places)
    locked.save(update_fields=["free", *concurrency.bump(locked)])
    return locked


# The ranking table of the whole network, kept per process and rebuilt when a facility is
# added or closed (count and sum of ids), when its places move (the sum of versions moves with
# every update, hold and release), or after TABLE_TTL_SECONDS (availability ages, acceptance
# rates and edits of a facility's profile show within a minute).
TABLE_TTL_SECONDS = 60
_table_cache: dict = {"key": None, "built": 0.0, "table": None}


def forget_table() -> None:
    _table_cache.update(key=None, built=0.0, table=None)


def table():
    """The active network as a ``matching.FacilityTable``, from the cache when still current."""
    import time

    from django.db.models import Count, Max, Sum

    from parcours.shelter.matching import FacilityTable

    state = Facility.objects.filter(active=True).aggregate(
        n=Count("pk"), ids=Sum("pk"), v=Sum("version"), at=Max("availability_at")
    )
    key = (state["n"], state["ids"], state["v"], state["at"])
    cached = _table_cache
    if cached["key"] == key and time.monotonic() - cached["built"] < TABLE_TTL_SECONDS:
        return cached["table"]
    built = FacilityTable.from_rows(rows())
    cached.update(key=key, built=time.monotonic(), table=built)
    return built


def recent_acceptance_rate(facility_ids=None, days: int = 90) -> dict[int, float]:
    """Share of the proposals each facility answered lately that it accepted (0.5 without
    history)."""
    import datetime

    from django.db.models import Count, Q

    from parcours.shelter.models import Placement

    since = timezone.now() - datetime.timedelta(days=days)
    placements = Placement.objects.filter(facility__isnull=False, created_at__gte=since)
    if facility_ids is not None:
        placements = placements.filter(facility_id__in=facility_ids)
    rows = placements.values("facility_id").annotate(
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
    return {r["facility_id"]: r["accepted"] / r["answered"] for r in rows if r["answered"]}


ROW_FIELDS = (
    "pk",
    "lat",
    "lon",
    "departement",
    "capacity",
    "free",
    "availability_at",
    "accepts_women",
    "accepts_men",
    "accepts_minors",
    "accepts_adults",
    "families",
    "pets",
    "languages",
    "security_level",
)


def where_is(lat, lon, stored: str) -> tuple[str, frozenset[str]]:
    """A facility's département by its point, and the départements at whose edge it stands
    (``stored`` when the point tells nothing: no point, or at sea)."""
    from parcours.core.geography import departement_at, departements_near

    if lat is None or lon is None:
        return stored, frozenset({stored})
    near = departements_near(lat, lon)
    here = departement_at(lat, lon)
    if not near:
        return stored, frozenset({stored})
    return (here or stored), near


def rows(facilities=None, now=None):
    """The active facilities as matching rows (plain values: the encrypted address is never
    read, so ranking the whole network stays fast)."""
    from parcours.shelter.matching import FacilityRow

    now = now or timezone.now()
    queryset = Facility.objects.filter(active=True) if facilities is None else facilities
    values = list(queryset.values_list(*ROW_FIELDS))
    rates = recent_acceptance_rate(None if facilities is None else [v[0] for v in values])
    result = []
    for (pk, lat, lon, dep, capacity, free, at, women, men, minors, adults, families, pets,
         languages, security) in values:  # fmt: skip
        age = (now - at).total_seconds() / 3600 if at else 1e6
        dep, near = where_is(lat, lon, dep)
        result.append(
            FacilityRow(
                id=pk,
                lat=lat,
                lon=lon,
                departement=dep,
                departements=near,
                capacity=capacity,
                free=free,
                accepts_women=women,
                accepts_men=men,
                accepts_minors=minors,
                accepts_adults=adults,
                families=families,
                pets=pets,
                languages=frozenset(lang.lower() for lang in languages),
                security_level=security,
                availability_age_hours=age,
                recent_acceptance_rate=rates.get(pk, 0.5),
            )
        )
    return result
