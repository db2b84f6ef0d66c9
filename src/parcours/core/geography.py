"""French départements, shipped as data (source: INSEE, Code officiel géographique).

Issue 5 adds regions and reference points for distances; the codes here are the keys.
"""

import csv
import math
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "departements.csv"


@lru_cache(maxsize=1)
def departements() -> dict[str, str]:
    with DATA.open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def departement_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in departements().items()]


def departement_name(code: str) -> str:
    return departements().get(code, code)


EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in kilometres between two points (degrees), by the haversine formula."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def great_circle_km_many(lat: float, lon: float, lats, lons):
    """Distances in kilometres from one point to many (numpy arrays of degrees), vectorised."""
    import numpy as np

    p1 = np.radians(lat)
    p2 = np.radians(np.asarray(lats, dtype=float))
    dp = p2 - p1
    dl = np.radians(np.asarray(lons, dtype=float) - lon)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
