"""The hard safety rule: no placement, transfer or appointment place inside a danger zone.

A place is inside a zone when it is in a zone's département, or within a zone's radius of its
point. When the place has coordinates, they decide, on every path: the département is the one
the point lies in (``core.geography``, whose boundaries are approximate, so a point less than
``BORDER_MARGIN_KM`` from a danger-zone département counts as inside it), never the number
typed or stored beside it. A place entered by hand whose typed département disagrees with its
coordinates is refused (:func:`checked_place`). Without coordinates, the département given
decides (and a town zone, whose exact place cannot then be compared, covers its département).

Every path that puts the person somewhere calls :func:`enforce`: a network facility, a place
entered by hand (a 115/SIAO proposal), a transfer, an appointment. It refuses with the reason;
only a coordinator of the case may pass, with a written reason: the override is journaled,
shown on the timeline and the referent is notified.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.alerts.notify import notify
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.enums import EventKind
from parcours.cases.timeline import add_event
from parcours.core.errors import DomainError
from parcours.core.geography import (
    BORDER_MARGIN_KM,
    departement_at,
    departement_name,
    departements,
    departements_near,
    great_circle_km,
)
from parcours.core.groups import FieldGroup
from parcours.shelter import rules
from parcours.shelter.zones import active_zones, zone_point

MIN_OVERRIDE_REASON = 30


class DangerZoneViolation(DomainError):
    """The place is inside a danger zone."""


class PlaceMismatch(DomainError):
    """The département given and the coordinates of a place disagree."""


@dataclass(frozen=True)
class Place:
    departement: str
    lat: float | None = None
    lon: float | None = None
    label: str = ""

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


def checked_place(departement: str = "", lat=None, lon=None, *, label: str = "") -> Place:
    """A place entered by hand, as the safety rule will judge it. With coordinates, its
    département is the one they lie in: a département given that is not where the point is
    (nor within ``BORDER_MARGIN_KM`` of it, the accuracy of the boundaries) is refused, and a
    missing one is filled in. Without coordinates, the département given is taken as is."""
    departement = (departement or "").strip()
    if departement and departement not in departements():
        raise DomainError(_("Unknown département."))
    if (lat is None) != (lon is None):
        raise DomainError(_("Give both the latitude and the longitude, or neither."))
    if lat is None:
        return Place(departement=departement, label=label)
    lat, lon = float(lat), float(lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(_("This latitude or longitude is not on Earth."))
    here, near = departement_at(lat, lon), departements_near(lat, lon)
    if not near:
        raise PlaceMismatch(
            _(
                "These coordinates are in no French département: check them (the latitude "
                "first, then the longitude)."
            )
        )
    if departement and departement not in near:
        raise PlaceMismatch(
            _(
                "These coordinates are in %(found)s, not in %(given)s: correct the département "
                "or the coordinates."
            )
            % {
                "found": departement_name(here) if here else ", ".join(sorted(near)),
                "given": departement_name(departement),
            }
        )
    if not departement:
        departement = here or (next(iter(near)) if len(near) == 1 else "")
        if not departement:
            raise PlaceMismatch(
                _("These coordinates are on a boundary between départements: choose which.")
            )
    return Place(departement=departement, lat=lat, lon=lon, label=label)


def _departement_violation(zone, place: Place, here, near) -> str | None:
    """Whether ``place`` is in (or, by its point, at the edge of) a département zone. A point
    that is in no département (a facility's, at sea) tells nothing: its département decides."""
    code = zone.where.get("departement")
    values = {"dep": departement_name(code), "why": zone.get_reason_display()}
    if place.has_point and near:
        if code == here:
            return _("it is in %(dep)s, a danger zone (%(why)s)") % values
        if code in near:
            return _(
                "it is less than %(km)d km from %(dep)s, a danger zone (%(why)s): too close to "
                "be sure it is outside"
            ) % {**values, "km": round(BORDER_MARGIN_KM)}
        return None
    if place.departement and place.departement == code:
        return _("it is in %(dep)s, a danger zone (%(why)s)") % values
    return None


def violations(case, place: Place) -> list[str]:
    """Why ``place`` is inside one of the case's active danger zones (empty: it is not). Its
    coordinates, when it has some, decide its département."""
    found = []
    here = near = None
    if place.has_point:
        here = departement_at(place.lat, place.lon)
        near = departements_near(place.lat, place.lon)
    for zone in active_zones(case):
        where = zone.where
        if zone.kind == "departement":
            reason = _departement_violation(zone, place, here, near)
            if reason:
                found.append(reason)
            continue
        radius = float(where.get("radius_km") or 0)
        lat, lon = zone_point(zone)
        if place.has_point and lat is not None:
            distance = great_circle_km(place.lat, place.lon, lat, lon)
            if distance <= radius:
                found.append(
                    _("it is %(km)d km from a danger zone of radius %(radius)d km (%(why)s)")
                    % {
                        "km": round(distance),
                        "radius": round(radius),
                        "why": zone.get_reason_display(),
                    }
                )
        elif (
            zone.kind == "town"
            and not place.has_point
            and place.departement
            and place.departement == where.get("departement")
        ):
            # No point for the place: a town zone's département is as close as we can tell.
            found.append(
                _(
                    "it is in %(dep)s, where a danger zone lies (%(why)s), and its exact place "
                    "is unknown"
                )
                % {"dep": departement_name(place.departement), "why": zone.get_reason_display()}
            )
    return found


def enforce(actor, case, place: Place, *, what: str, override_reason: str = "") -> bool:
    """Refuse ``place`` if it is inside a danger zone, unless a coordinator of the case overrides
    with a written reason. True when an override was used (journaled, on the timeline, the
    referent notified); call inside the action's transaction."""
    found = violations(case, place)
    if not found:
        return False
    reason = (override_reason or "").strip()
    if not rules.can_override(actor, case):
        raise _refused(
            actor,
            case,
            what,
            _("Refused: %(reasons)s. Only a coordinator can allow it, with a written reason.")
            % {"reasons": "; ".join(found)},
        )
    if len(reason) < MIN_OVERRIDE_REASON:
        raise _refused(
            actor,
            case,
            what,
            _(
                "This place is inside a danger zone (%(reasons)s). To allow it, write why "
                "(at least %(n)d characters)."
            )
            % {"reasons": "; ".join(found), "n": MIN_OVERRIDE_REASON},
        )
    add_event(
        case,
        actor,
        EventKind.SAFETY_OVERRIDE,
        group=FieldGroup.SAFETY,
        summary=reason,
        data={"what": what},
    )
    record(actor, Action.SAFETY_OVERRIDE, case, reason=f"{what}: {reason}")
    notify("safety_override", case.referent_org, ref=case.ref, link=case.get_absolute_url())
    return True


def _refused(actor, case, what: str, message) -> DangerZoneViolation:
    """The refusal, which keeps its own record once the action is rolled back: a placement
    tried inside a danger zone is journaled and raises an alert (``DangerZoneRefusal``)."""
    refusal = DangerZoneViolation(message)
    if what.startswith("placement"):
        refusal.aftermath.append(lambda: record_refusal(actor, case, what))
    return refusal


def record_refusal(actor, case, what: str) -> None:
    from parcours.shelter.models import DangerZoneRefusal

    with transaction.atomic():
        DangerZoneRefusal.objects.create(
            case=case, at=timezone.now(), organisation=actor.organisation, user=actor.user,
            what=what[:40],
        )  # fmt: skip
        record(actor, Action.SAFETY_REFUSED, case, groups=[FieldGroup.SAFETY], reason=what)
