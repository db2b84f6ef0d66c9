"""French départements, shipped as data, with their region and a reference point.

The data lives in ``data/departements.csv`` (columns and sources in ``data/README.md``):
names and region codes from INSEE's Code officiel géographique, the reference point being
the prefecture's position (decimal degrees, about a kilometre accurate). The file is read
once. Distances between points use the great-circle (haversine) formula below.

Lookups other than ``departement_name`` raise ``ValueError`` for an unknown code.
"""

import csv
import math
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent / "data" / "departements.csv"


class Departement(NamedTuple):
    """One row of the data file."""

    code: str
    name: str
    region_code: str
    region: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def departement_rows() -> dict[str, Departement]:
    """Every département keyed by code, in file order (sorted by code); read once."""
    with DATA.open(encoding="utf-8") as handle:
        return {
            row["code"]: Departement(
                code=row["code"],
                name=row["name"],
                region_code=row["region_code"],
                region=row["region"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(handle)
        }


def _row(code: str) -> Departement:
    try:
        return departement_rows()[code]
    except KeyError:
        raise ValueError(f"unknown département code: {code!r}") from None


@lru_cache(maxsize=1)
def departements() -> dict[str, str]:
    """``{code: name}`` for every département, sorted by code."""
    return {code: row.name for code, row in departement_rows().items()}


def departement_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in departements().items()]


def departement_name(code: str) -> str:
    """The département's name, or the code itself when it is unknown."""
    return departements().get(code, code)


def departement_point(code: str) -> tuple[float, float]:
    """``(latitude, longitude)`` in decimal degrees of the département's prefecture.

    Raises ``ValueError`` for an unknown code.
    """
    row = _row(code)
    return row.lat, row.lon


def region_of(code: str) -> str:
    """Name of the (2016) region the département belongs to; ``ValueError`` if unknown."""
    return _row(code).region


def region_code_of(code: str) -> str:
    """INSEE code of the département's region (e.g. ``"75"``, ``"01"``); ValueError if unknown."""
    return _row(code).region_code


def is_overseas(code: str) -> bool:
    """Whether the département is overseas (971-976); ``ValueError`` if unknown."""
    return _row(code).code.startswith("97")


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
