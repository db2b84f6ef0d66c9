"""The hard safety rule: no placement, transfer or appointment place inside a danger zone.

A place is inside a zone when it is in a zone's département, or within a zone's radius of its
point. Every path that puts the person somewhere calls :func:`enforce`: a network facility, a
place entered by hand (a 115/SIAO proposal), a transfer, an appointment. It refuses with the
reason; only a coordinator of the case may pass, with a written reason: the override is
journaled, shown on the timeline and the referent is notified.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from parcours.access.groups import FieldGroup
from parcours.alerts.notify import notify
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.enums import EventKind
from parcours.cases.notices import case_path
from parcours.cases.timeline import add_event
from parcours.core.errors import DomainError
from parcours.core.geography import departement_name, great_circle_km
from parcours.shelter import rules
from parcours.shelter.zones import active_zones, zone_point

MIN_OVERRIDE_REASON = 30


class DangerZoneViolation(DomainError):
    """The place is inside a danger zone."""


@dataclass(frozen=True)
class Place:
    departement: str
    lat: float | None = None
    lon: float | None = None
    label: str = ""


def violations(case, place: Place) -> list[str]:
    """Why ``place`` is inside one of the case's active danger zones (empty: it is not)."""
    found = []
    for zone in active_zones(case):
        where = zone.where
        if zone.kind == "departement":
            if place.departement and place.departement == where.get("departement"):
                found.append(
                    _("it is in %(dep)s, a danger zone (%(why)s)")
                    % {"dep": departement_name(place.departement), "why": zone.get_reason_display()}
                )
            continue
        radius = float(where.get("radius_km") or 0)
        lat, lon = zone_point(zone)
        if place.lat is not None and place.lon is not None and lat is not None:
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
        elif zone.kind == "town" and place.departement == where.get("departement"):
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
        raise DangerZoneViolation(
            _("Refused: %(reasons)s. Only a coordinator can allow it, with a written reason.")
            % {"reasons": "; ".join(found)}
        )
    if len(reason) < MIN_OVERRIDE_REASON:
        raise DangerZoneViolation(
            _(
                "This place is inside a danger zone (%(reasons)s). To allow it, write why "
                "(at least %(n)d characters)."
            )
            % {"reasons": "; ".join(found), "n": MIN_OVERRIDE_REASON}
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
    notify("safety_override", case.referent_org, ref=case.ref, link=case_path(case))
    return True
