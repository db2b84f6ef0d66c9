"""French départements, shipped as data, with their region, a reference point and a shape.

The data lives in ``data/departements.csv`` (columns and sources in ``data/README.md``):
names and region codes from INSEE's Code officiel géographique, the reference point being
the prefecture's position (decimal degrees, about a kilometre accurate). The file is read
once. Distances between points use the great-circle (haversine) formula below.

Which département a point is in comes from ``data/departement_shapes.json``: approximate
boundaries (within a few kilometres, see ``data/README.md``), so every answer about a point
near a boundary also says which départements are within ``BORDER_MARGIN_KM`` of it
(``departements_near``): a rule that keeps a person away from a département uses that.

Lookups other than ``departement_name`` raise ``ValueError`` for an unknown code.
"""

import csv
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent / "data" / "departements.csv"
SHAPES = Path(__file__).resolve().parent / "data" / "departement_shapes.json"
# Accuracy of the shapes, measured when the file was built (``data/README.md``): 95 % of the
# 34,827 town halls of France lie in their own département's shape, and all but 34 of the others
# less than 10 km from it. A point this close to a département may be in it.
BORDER_MARGIN_KM = 10.0
KM_PER_DEGREE = math.pi * 6371.0088 / 180


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


# --- which département a point is in ---------------------------------------------------------


class _Shapes(NamedTuple):
    codes: list  # département codes, in the order of their segments
    starts: object  # numpy: index of each département's first segment
    x1: object  # numpy arrays of the segments' ends (longitude, latitude)
    y1: object
    x2: object
    y2: object
    owner: object  # numpy: index in ``codes`` of each segment's département
    box: object  # numpy (n, 4): west, south, east, north of each département


@lru_cache(maxsize=1)
def _shapes() -> _Shapes:
    import numpy as np

    with SHAPES.open(encoding="utf-8") as handle:
        shapes = json.load(handle)["departements"]
    codes, starts, owner, x1, y1, x2, y2, box = [], [], [], [], [], [], [], []
    for index, (code, rings) in enumerate(shapes.items()):
        codes.append(code)
        starts.append(len(owner))
        lons = [lon for ring in rings for lon in ring[0::2]]
        lats = [lat for ring in rings for lat in ring[1::2]]
        box.append((min(lons), min(lats), max(lons), max(lats)))
        for ring in rings:
            xs, ys = ring[0::2], ring[1::2]
            x1 += xs
            y1 += ys
            x2 += xs[1:] + xs[:1]
            y2 += ys[1:] + ys[:1]
            owner += [index] * len(xs)
    return _Shapes(
        codes=codes,
        starts=np.array(starts),
        x1=np.array(x1),
        y1=np.array(y1),
        x2=np.array(x2),
        y2=np.array(y2),
        owner=np.array(owner),
        box=np.array(box),
    )


@lru_cache(maxsize=65536)
def _locate(lat: float, lon: float, margin_km: float) -> tuple[str | None, tuple[str, ...]]:
    import numpy as np

    s = _shapes()
    reach = margin_km / KM_PER_DEGREE
    reach_lon = reach / max(0.1, math.cos(math.radians(lat)))
    candidates = np.flatnonzero(
        (s.box[:, 0] - reach_lon <= lon)
        & (lon <= s.box[:, 2] + reach_lon)
        & (s.box[:, 1] - reach <= lat)
        & (lat <= s.box[:, 3] + reach)
    )
    if candidates.size == 0:
        return None, ()
    keep = np.isin(s.owner, candidates)
    x1, y1, x2, y2, owner = s.x1[keep], s.y1[keep], s.x2[keep], s.y2[keep], s.owner[keep]
    # Even-odd rule: a ray from the point towards the east crosses its département's rings an
    # odd number of times (holes and islands are rings too).
    straddles = (y1 > lat) != (y2 > lat)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
    crossings = np.bincount(owner[straddles & (lon < at)], minlength=len(s.codes))
    inside = [s.codes[i] for i in np.flatnonzero(crossings % 2)]
    # Distance to each candidate's boundary, on a plane tangent at the point (exact enough
    # over a few tens of kilometres).
    scale = math.cos(math.radians(lat)) * KM_PER_DEGREE
    ax, ay = (x1 - lon) * scale, (y1 - lat) * KM_PER_DEGREE
    dx, dy = (x2 - lon) * scale - ax, (y2 - lat) * KM_PER_DEGREE - ay
    length = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(np.where(length > 0, -(ax * dx + ay * dy) / length, 0.0), 0.0, 1.0)
    distance = np.hypot(ax + t * dx, ay + t * dy)
    nearest = np.full(len(s.codes), np.inf)
    np.minimum.at(nearest, owner, distance)
    near = set(inside) | {s.codes[i] for i in np.flatnonzero(nearest <= margin_km)}
    return (inside[0] if len(inside) == 1 else None), tuple(sorted(near))


def _point(lat, lon) -> tuple[float, float]:
    lat, lon = float(lat), float(lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"not a point on Earth: {lat!r}, {lon!r}")
    return round(lat, 5), round(lon, 5)


def departement_at(lat: float, lon: float) -> str | None:
    """The code of the département the point is in, as far as the shapes tell; ``None`` for a
    point outside every département (abroad, at sea)."""
    return _locate(*_point(lat, lon), BORDER_MARGIN_KM)[0]


def departements_near(lat: float, lon: float, km: float = BORDER_MARGIN_KM) -> frozenset[str]:
    """The départements the point is in or less than ``km`` from (their approximate boundary):
    where the point may be, given how accurate the shapes are."""
    return frozenset(_locate(*_point(lat, lon), float(km))[1])
