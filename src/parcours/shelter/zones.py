"""Danger zones and the risk assessment of a case (safety group).

A zone is a whole département, a town (its département's reference point unless a point is
given, with a radius, 30 km by default) or a point with a radius. A town or a point given with
coordinates lies where the coordinates say: a département given beside them that is not where
the point is is refused (``shelter.safety.checked_place``), a missing one is filled in (a
point abroad is a zone too). Adding
or removing one is journaled; zones are never deleted (``removed_at``), so the history stays.

``needs_assessment``: a case with neither an assessment of its dangers nor a danger zone is
never ranked nor placed (``shelter.placement``): "outside every danger zone" would mean nothing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.geography import departement_at, departement_point, departements
from parcours.core.groups import FieldGroup
from parcours.shelter import rules
from parcours.shelter.enums import CRITICAL_DANGERS, LEVEL_ORDER, Danger, RiskLevel, ZoneKind
from parcours.shelter.models import DangerZone, RiskAssessment

TOWN_RADIUS_KM = 30
MAX_RADIUS_KM = 500


def active_zones(case) -> list[DangerZone]:
    return list(case.danger_zones.filter(removed_at__isnull=True))


def zone_point(zone) -> tuple[float | None, float | None]:
    """The zone's point: given, or its département's reference point."""
    where = zone.where
    if where.get("lat") is not None and where.get("lon") is not None:
        return float(where["lat"]), float(where["lon"])
    if where.get("departement") in departements():
        return departement_point(where["departement"])
    return None, None


def _check_point(lat, lon):
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise DomainError(_("Give both the latitude and the longitude, or neither."))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(_("This latitude or longitude is not on Earth."))
    return round(float(lat), 4), round(float(lon), 4)


def add_zone(
    actor,
    case,
    *,
    kind: str,
    reason: str,
    departement: str = "",
    town: str = "",
    lat=None,
    lon=None,
    radius_km=None,
) -> DangerZone:
    if not rules.can_manage_safety(actor, case):
        raise NotAllowed(_("You cannot record danger zones on this case."))
    if kind not in ZoneKind.values:
        raise DomainError(_("Choose what kind of zone it is."))
    if departement and departement not in departements():
        raise DomainError(_("Unknown département."))
    lat, lon = _check_point(lat, lon)
    if kind != ZoneKind.DEPARTEMENT and lat is not None:
        if departement:
            from parcours.shelter.safety import checked_place

            departement = checked_place(departement, lat, lon).departement
        else:  # a point abroad (the exploiters' relatives) is a zone too
            departement = departement_at(lat, lon) or ""
    where = {}
    if kind == ZoneKind.DEPARTEMENT:
        if not departement:
            raise DomainError(_("Choose the département."))
        where = {"departement": departement, "radius_km": int(radius_km or 0)}
    elif kind == ZoneKind.TOWN:
        if not town.strip() or not departement:
            raise DomainError(_("Give the town and its département."))
        where = {
            "departement": departement,
            "town": town.strip(),
            "lat": lat,
            "lon": lon,
            "radius_km": int(radius_km if radius_km is not None else TOWN_RADIUS_KM),
        }
    else:
        if lat is None:
            raise DomainError(_("Give the point's latitude and longitude."))
        where = {
            "departement": departement,
            "lat": lat,
            "lon": lon,
            "radius_km": int(radius_km or 0),
        }
    if not 0 <= where["radius_km"] <= MAX_RADIUS_KM:
        raise DomainError(
            _("The radius must be between 0 and %(max)d km.") % {"max": MAX_RADIUS_KM}
        )
    with transaction.atomic():
        zone = DangerZone.objects.create(
            case=case,
            kind=kind,
            reason=reason,
            where=where,
            created_at=timezone.now(),
            created_by=actor.user,
        )
        record(actor, Action.ZONE_ADD, case, groups=[FieldGroup.SAFETY])
    return zone


def remove_zone(actor, zone: DangerZone) -> DangerZone:
    if not rules.can_manage_safety(actor, zone.case):
        raise NotAllowed(_("You cannot change the danger zones of this case."))
    if zone.removed_at is None:
        with transaction.atomic():
            zone.removed_at = timezone.now()
            zone.save(update_fields=["removed_at"])
            record(actor, Action.ZONE_REMOVE, zone.case, groups=[FieldGroup.SAFETY])
    return zone


def assess(actor, case, *, dangers, level: str, note: str = "") -> RiskAssessment:
    """Record the immediate dangers and a level. A critical danger ("housed by the exploiter",
    "the exploiters know where the person is") makes the level critical whatever was chosen."""
    if not rules.can_manage_safety(actor, case):
        raise NotAllowed(_("You cannot assess the dangers on this case."))
    dangers = [d for d in Danger.values if d in set(dangers)]
    if level not in RiskLevel.values:
        raise DomainError(_("Choose a level."))
    if set(dangers) & CRITICAL_DANGERS:
        level = RiskLevel.CRITICAL
    with transaction.atomic():
        assessment = RiskAssessment.objects.create(
            case=case,
            dangers=dangers,
            level=level,
            note=note.strip(),
            assessed_at=timezone.now(),
            assessed_by=actor.user,
            by_org=actor.organisation,
        )
        record(actor, Action.RISK_ASSESS, case, groups=[FieldGroup.SAFETY], reason=level)
    return assessment


def current_risk(case) -> RiskAssessment | None:
    return case.risk_assessments.first()


def needs_assessment(case) -> bool:
    """Neither the dangers assessed nor a danger zone recorded: the person must not be ranked
    or placed before someone says where the danger is (or that there is none)."""
    return (
        current_risk(case) is None
        and not case.danger_zones.filter(removed_at__isnull=True).exists()
    )


def in_danger(case) -> bool:
    """High or critical: the safe-shelter flow is offered at once."""
    risk = current_risk(case)
    return risk is not None and LEVEL_ORDER[risk.level] >= LEVEL_ORDER[RiskLevel.HIGH]
