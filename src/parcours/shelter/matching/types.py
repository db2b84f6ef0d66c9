"""The plain data types of the matching: a danger zone, a person's needs, the network's
facilities (one row each, and the columnar table built from them once for many rankings), a
ranked place, a batch request and its allocation, with the reason codes of the unplaced.

Plain values, no Django: the shelter services (``shelter.network``, ``shelter.ranking``) convert
their rows to these.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

SEXES = ("F", "M", "X")
MAX_SECURITY_LEVEL = 3


@dataclass(frozen=True)
class Zone:
    """A danger zone: a point with a radius, or a whole département (then any place in that
    département is inside; ``lat``/``lon`` should be the département's reference point so that the
    minimum distance also applies around it — NaN coordinates mean "the département only")."""

    lat: float
    lon: float
    radius_km: float = 0.0
    departement: str = ""

    @property
    def has_point(self) -> bool:
        return math.isfinite(self.lat) and math.isfinite(self.lon)


@dataclass(frozen=True)
class Needs:
    """The person's profile and constraints (all hard, except ``languages``)."""

    sex: str  # "F", "M" or "X" (unknown/other: only facilities accepting both)
    minor: bool = False
    family_size: int = 1
    pets: bool = False
    languages: tuple[str, ...] = ()
    min_distance_km: float = 150.0
    zones: tuple[Zone, ...] = ()
    origin: tuple[float, float] | None = None
    security_level: int = 0

    def __post_init__(self):
        if self.sex not in SEXES:
            raise ValueError(f"sex must be one of {SEXES}, not {self.sex!r}")
        if self.family_size < 1:
            raise ValueError("family_size must be at least 1")
        if self.min_distance_km < 0:
            raise ValueError("min_distance_km must not be negative")


@dataclass(frozen=True)
class FacilityRow:
    id: int
    lat: float
    lon: float
    departement: str
    capacity: int
    free: int
    accepts_women: bool
    accepts_men: bool
    accepts_minors: bool
    accepts_adults: bool
    families: bool
    pets: bool
    languages: frozenset[str]
    security_level: int
    availability_age_hours: float
    recent_acceptance_rate: float = 0.5
    # The départements the facility's point is in or at the edge of (``core.geography``):
    # a département zone excludes it when it is one of them. Empty: ``departement`` alone.
    departements: frozenset[str] = frozenset()


class FacilityTable:
    """The network's facilities as columnar numpy arrays: built once, reused for many rankings."""

    def __init__(self, rows: Sequence[FacilityRow]):
        rows = list(rows)
        self.ids = np.array([r.id for r in rows], dtype=np.int64)
        if len(set(self.ids.tolist())) != len(rows):
            raise ValueError("facility ids must be unique")
        self.lat = np.array([r.lat for r in rows], dtype=float)
        self.lon = np.array([r.lon for r in rows], dtype=float)
        self.departement = np.array([r.departement for r in rows], dtype=str)
        self._near = [r.departements or frozenset({r.departement}) for r in rows]
        self._in_departement: dict[str, np.ndarray] = {}
        self.capacity = np.array([r.capacity for r in rows], dtype=np.int64)
        self.free = np.array([max(0, r.free) for r in rows], dtype=np.int64)
        self.accepts_women = np.array([r.accepts_women for r in rows], dtype=bool)
        self.accepts_men = np.array([r.accepts_men for r in rows], dtype=bool)
        self.accepts_minors = np.array([r.accepts_minors for r in rows], dtype=bool)
        self.accepts_adults = np.array([r.accepts_adults for r in rows], dtype=bool)
        self.families = np.array([r.families for r in rows], dtype=bool)
        self.pets = np.array([r.pets for r in rows], dtype=bool)
        self.security_level = np.array([r.security_level for r in rows], dtype=np.int64)
        self.availability_age_hours = np.array(
            [r.availability_age_hours for r in rows], dtype=float
        )
        self.recent_acceptance_rate = np.clip(
            np.array([r.recent_acceptance_rate for r in rows], dtype=float), 0.0, 1.0
        )
        # language -> which facilities speak it
        self.speaks: dict[str, np.ndarray] = {}
        for i, r in enumerate(rows):
            for language in r.languages:
                key = language.strip().lower()
                if key not in self.speaks:
                    self.speaks[key] = np.zeros(len(rows), dtype=bool)
                self.speaks[key][i] = True
        self.position = {fid: i for i, fid in enumerate(self.ids.tolist())}

    def in_departement(self, code: str) -> np.ndarray:
        """Facilities in (or, by their point, at the edge of) the département ``code``."""
        if code not in self._in_departement:
            self._in_departement[code] = np.array([code in near for near in self._near], dtype=bool)
        return self._in_departement[code]

    @classmethod
    def from_rows(cls, rows: Iterable[FacilityRow]) -> FacilityTable:
        return cls(list(rows))

    def __len__(self) -> int:
        return int(self.ids.size)


@dataclass(frozen=True)
class Ranked:
    facility_id: int
    score: float  # 0..100
    travel_km: float | None
    nearest_zone_km: float | None  # distance to the nearest zone point minus its radius
    stale: bool
    band: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Request:
    id: int
    needs: Needs
    priority: int = 1  # higher = more urgent, >= 1


@dataclass
class Allocation:
    assignments: dict[int, int]  # request id -> facility id
    unplaced: dict[int, str]  # request id -> reason code (see UNPLACED_REASONS)
    placed_weight: int
    travel_km: float
    seconds: float
    method: str
    info: dict = field(default_factory=dict)


UNPLACED_REASONS = {
    "contradictory": "no facility of the network could ever take this request",
    "no_free_place": "fitting facilities exist but none has enough free places now",
    "places_went_to_higher_priority": "every fitting free place went to more urgent requests",
    "to_others_with_equal_priority": (
        "fitting places went to requests of the same priority (ties broken by shorter travel)"
    ),
    "not_enough_places_together": (
        "a whole family could only be hosted by displacing more priority-weighted people"
    ),
}
