"""Feasibility, the hard constraints (the same for ranking and allocation), and why nothing fits.

A facility is a possible place for a person when it accepts the person's profile (sex,
minor/adult, pets), is outside every danger zone and at least ``min_distance_km`` from each
zone's point (minus its radius), meets the security level, can host the whole family
(``families`` and ``capacity >= family_size``) and has ``free >= family_size`` places now.
Each constraint is a boolean mask over a ``FacilityTable``.
"""

from __future__ import annotations

import numpy as np

from parcours.core.geography import great_circle_km_many
from parcours.shelter.matching.types import FacilityTable, Needs


def fits_profile(needs: Needs, table: FacilityTable) -> np.ndarray:
    """Facilities that accept the person's sex, age group and pets."""
    if needs.sex == "F":
        ok = table.accepts_women.copy()
    elif needs.sex == "M":
        ok = table.accepts_men.copy()
    else:
        ok = table.accepts_women & table.accepts_men
    ok &= table.accepts_minors if needs.minor else table.accepts_adults
    if needs.pets:
        ok &= table.pets
    return ok


def hosts_family(needs: Needs, table: FacilityTable) -> np.ndarray:
    """Facilities that could ever host the whole family together (whatever their availability)."""
    ok = table.capacity >= needs.family_size
    if needs.family_size > 1:
        ok &= table.families
    return ok


def secure_enough(needs: Needs, table: FacilityTable) -> np.ndarray:
    return table.security_level >= needs.security_level


def _zone_check(needs: Needs, table: FacilityTable) -> tuple[np.ndarray, np.ndarray | None]:
    """(outside every zone by the distance, distance to the nearest zone point minus radius)."""
    ok = np.ones(len(table), dtype=bool)
    nearest = None
    for zone in needs.zones:
        if zone.departement:
            ok &= ~table.in_departement(zone.departement)
        if zone.has_point:
            margin = great_circle_km_many(zone.lat, zone.lon, table.lat, table.lon)
            margin -= zone.radius_km
            ok &= margin >= needs.min_distance_km
            nearest = margin if nearest is None else np.minimum(nearest, margin)
    return ok, nearest


def outside_zones(needs: Needs, table: FacilityTable) -> np.ndarray:
    """Facilities outside every zone and at least ``min_distance_km`` from each zone's point
    (``distance - radius_km``); a département zone excludes the whole département, and every
    facility whose point is at its edge (``FacilityRow.departements``)."""
    return _zone_check(needs, table)[0]


def could_ever_fit(needs: Needs, table: FacilityTable) -> np.ndarray:
    """Facilities that fit the person whatever their current availability."""
    return (
        fits_profile(needs, table)
        & outside_zones(needs, table)
        & secure_enough(needs, table)
        & hosts_family(needs, table)
    )


def feasible(needs: Needs, table: FacilityTable) -> np.ndarray:
    """Facilities where the person (and family) can be placed now: the set ``rank`` orders."""
    return could_ever_fit(needs, table) & (table.free >= needs.family_size)


def why_nothing_fits(needs: Needs, table: FacilityTable) -> list[str]:
    """Reason codes when ``rank`` is empty (``[]`` when some place fits now).

    ``["contradictory", <codes>]`` when no facility of the network could ever take the person,
    whatever its availability; the codes name the constraints that empty the set on their own
    ("no_facility_for_profile", "all_within_danger_distance", "security_level", "family_size"),
    or, when only their combination does, "combination" followed by each constraint whose removal
    would let a facility fit. ``["no_free_place"]`` when fitting facilities exist but are full
    (or have fewer free places than the family needs).
    """
    if len(table) == 0:
        return ["contradictory", "no_facility_in_network"]
    checks = {
        "no_facility_for_profile": fits_profile(needs, table),
        "all_within_danger_distance": outside_zones(needs, table),
        "security_level": secure_enough(needs, table),
        "family_size": hosts_family(needs, table),
    }
    ever = np.logical_and.reduce(list(checks.values()))
    if not ever.any():
        alone = [code for code, mask in checks.items() if not mask.any()]
        if alone:
            return ["contradictory", *alone]
        binding = [
            code
            for code in checks
            if np.logical_and.reduce([m for c, m in checks.items() if c != code]).any()
        ]
        return ["contradictory", "combination", *(binding or list(checks))]
    if not (ever & (table.free >= needs.family_size)).any():
        return ["no_free_place"]
    return []
