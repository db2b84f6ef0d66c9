"""Between the models and the matching: a placement request and its case as the matching's
``Needs`` (the person's profile, the danger zones as points, where the person is now), and the
ranked places of a request as (facility, ranked) pairs.

The matching itself (``shelter.matching``) is pure and sees the network as the table
``shelter.network`` builds; this module reads the case and journals the reading. A case whose
safety is not assessed is not ranked (``shelter.placement.require_assessment``).
"""

from django.utils.translation import gettext as _

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import NotAllowed
from parcours.core.geography import departement_point, departements
from parcours.core.groups import FieldGroup
from parcours.shelter import network, rules
from parcours.shelter.models import Facility, PlacementRequest
from parcours.shelter.placement import require_assessment
from parcours.shelter.zones import active_zones, zone_point


def matching_zones(case):
    from parcours.shelter.matching import Zone

    zones = []
    for zone in active_zones(case):
        lat, lon = zone_point(zone)
        if lat is None:
            continue
        zones.append(
            Zone(
                lat=lat,
                lon=lon,
                radius_km=float(zone.where.get("radius_km") or 0),
                departement=zone.where.get("departement", "") if zone.kind == "departement" else "",
            )
        )
    return tuple(zones)


def origin_of(case):
    """Where the person is now, as far as ranking needs: the referent's département."""
    code = case.referent_org.departement
    return departement_point(code) if code in departements() else None


def needs_of(request: PlacementRequest):
    from parcours.shelter.matching import Needs

    needs = request.needs
    return Needs(
        sex=needs.get("sex", "X"),
        minor=needs.get("minor", False),
        family_size=needs.get("family_size", 1),
        pets=needs.get("pets", False),
        languages=tuple(needs.get("languages", ())),
        min_distance_km=float(request.min_distance_km),
        zones=matching_zones(request.case),
        origin=origin_of(request.case),
        security_level=needs.get("security_level", 0),
    )


def ranked(actor, request: PlacementRequest, *, limit: int = 20):
    """The places to propose, best first, as (facility, ranked) pairs; with the reason codes
    when none fits (``why``). Journaled: it reads the danger zones."""
    from parcours.shelter.matching import rank, why_nothing_fits

    case = request.case
    if not rules.can_manage_safety(actor, case):
        raise NotAllowed(_("You cannot look for a place on this case."))
    require_assessment(case)
    table = network.table()
    needs = needs_of(request)
    results = rank(needs, table, stale_after_hours=network.stale_after_hours(), limit=limit)
    facilities = Facility.objects.in_bulk([r.facility_id for r in results])
    record(actor, Action.PLACEMENT_RANK, case, groups=[FieldGroup.SAFETY])
    pairs = [(facilities[r.facility_id], r) for r in results]
    return pairs, ([] if pairs else why_nothing_fits(needs, table))
