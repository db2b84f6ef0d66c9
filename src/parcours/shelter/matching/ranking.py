"""Ranking: the places a person can take now, scored and ordered best first (``rank``), and
the distance bands the score and the page speak of.

The feasible set comes from ``matching.feasibility``; the score weighs the distance band from
the nearest danger zone, the profile fit, languages, freshness of the availability and recent
acceptances (``WEIGHTS``).
"""

from __future__ import annotations

import numpy as np

from parcours.core.geography import great_circle_km_many
from parcours.shelter.matching.feasibility import (
    _zone_check,
    fits_profile,
    hosts_family,
    secure_enough,
)
from parcours.shelter.matching.types import FacilityTable, Needs, Ranked

# Distance bands, measured from the nearest danger zone; the lowest band starts at the
# person's minimum distance (150 km by default): "150-300", "300-600", "600+".
BAND_EDGES_KM = (300.0, 600.0)
NO_ZONE_BAND = "no_zone"

# Weights of the fitness score (they sum to 1; the score is shown out of 100).
WEIGHTS = {
    "band": 0.30,  # farther from danger is safer (the lowest band still scores half)
    "profile": 0.15,  # a facility specialised for the person's sex / age fits better
    "language": 0.25,  # the facility speaks one of the person's languages
    "freshness": 0.15,  # availability updated recently (0 when stale)
    "acceptance": 0.15,  # the facility accepted most proposals lately
}


def _km(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def band_labels(min_distance_km: float) -> tuple[list[float], list[str]]:
    """Lower edges and labels of the distance bands for a given minimum distance."""
    lows = [float(min_distance_km)] + [e for e in BAND_EDGES_KM if e > min_distance_km]
    labels = [f"{_km(lo)}-{_km(hi)}" for lo, hi in zip(lows, lows[1:], strict=False)]
    labels.append(f"{_km(lows[-1])}+")
    return lows, labels


def rank(
    needs: Needs,
    table: FacilityTable,
    *,
    stale_after_hours: float = 48.0,
    limit: int | None = None,
) -> list[Ranked]:
    """The places the person can take now, best first.

    Order: places with fresh availability before stale ones (availability older than
    ``stale_after_hours`` may be wrong), then by fitness score (distance band from the nearest
    zone, profile fit, languages, freshness, recent acceptances; see ``WEIGHTS``), then by
    shorter travel, then by facility id (a stable order).
    """
    zone_ok, nearest = _zone_check(needs, table)
    ok = (
        zone_ok
        & fits_profile(needs, table)
        & secure_enough(needs, table)
        & hosts_family(needs, table)
        & (table.free >= needs.family_size)
    )
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return []

    # distance band
    if nearest is None:
        band_idx = np.zeros(idx.size, dtype=np.int64)
        labels = [NO_ZONE_BAND]
        band_score = np.ones(idx.size)
        near = None
    else:
        near = nearest[idx]
        lows, labels = band_labels(needs.min_distance_km)
        band_idx = np.searchsorted(np.array(lows), near, side="right") - 1
        band_idx = np.clip(band_idx, 0, len(lows) - 1)
        top = max(1, len(lows) - 1)
        band_score = 0.5 + 0.5 * band_idx / top if len(lows) > 1 else np.ones(idx.size)

    # profile fit: a facility specialised for the person's sex / age group
    women, men = table.accepts_women[idx], table.accepts_men[idx]
    minors, adults = table.accepts_minors[idx], table.accepts_adults[idx]
    if needs.sex == "F":
        single_sex = women & ~men
    elif needs.sex == "M":
        single_sex = men & ~women
    else:
        single_sex = np.zeros(idx.size, dtype=bool)
    age_specialised = (minors & ~adults) if needs.minor else (adults & ~minors)
    profile = (np.where(single_sex, 1.0, 0.5) + np.where(age_specialised, 1.0, 0.5)) / 2

    # languages
    language = np.zeros(idx.size, dtype=bool)
    for name in needs.languages:
        speaks = table.speaks.get(name.strip().lower())
        if speaks is not None:
            language |= speaks[idx]

    # freshness and acceptances
    age = table.availability_age_hours[idx]
    stale = age > stale_after_hours
    horizon = max(stale_after_hours, 1e-9)
    freshness = np.where(stale, 0.0, 1.0 - np.clip(age, 0.0, None) / horizon)
    acceptance = table.recent_acceptance_rate[idx]

    score = 100.0 * (
        WEIGHTS["band"] * band_score
        + WEIGHTS["profile"] * profile
        + WEIGHTS["language"] * language
        + WEIGHTS["freshness"] * freshness
        + WEIGHTS["acceptance"] * acceptance
    )
    score = np.round(score, 6)  # equal fitness compares equal whatever the float noise

    if needs.origin is not None:
        travel = great_circle_km_many(
            needs.origin[0], needs.origin[1], table.lat[idx], table.lon[idx]
        )
    else:
        travel = None

    order = np.lexsort(
        (table.ids[idx], travel if travel is not None else np.zeros(idx.size), -score, stale)
    )
    if limit is not None:
        order = order[: max(0, limit)]

    top_band = len(labels) - 1
    result = []
    for k in order.tolist():
        reasons = []
        if near is not None and band_idx[k] == top_band:
            reasons.append("far_from_danger")
        if single_sex[k]:
            reasons.append("single_sex")
        if age_specialised[k]:
            reasons.append("age_specialised")
        if language[k]:
            reasons.append("language")
        if stale[k]:
            reasons.append("stale")
        elif age[k] <= horizon / 4:
            reasons.append("fresh")
        if acceptance[k] >= 0.75:
            reasons.append("accepts_often")
        elif acceptance[k] <= 0.25:
            reasons.append("rarely_accepts")
        result.append(
            Ranked(
                facility_id=int(table.ids[idx[k]]),
                score=float(score[k]),
                travel_km=None if travel is None else float(travel[k]),
                nearest_zone_km=None if near is None else float(near[k]),
                stale=bool(stale[k]),
                band=labels[int(band_idx[k])],
                reasons=tuple(reasons),
            )
        )
    return result
