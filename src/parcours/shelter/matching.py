"""Which shelter places fit a person, in what order, and the coordinator's batch allocation.

Pure domain logic over plain data (no Django): the shelter services convert their rows to
``FacilityRow`` / ``Needs`` / ``Request`` and call ``rank``, ``why_nothing_fits`` and
``allocate``. numpy for the columnar work, SciPy (HiGHS: ``linprog`` and ``milp``) for the
allocation.

Feasibility (the same for ranking and allocation): a facility is a possible place for a person
when it accepts the person's profile (sex, minor/adult, pets), is outside every danger zone and
at least ``min_distance_km`` from each zone's point (minus its radius), meets the security level,
can host the whole family (``families`` and ``capacity >= family_size``) and has
``free >= family_size`` places now.

Allocation objective (lexicographic): first the largest sum of priorities of the people placed,
then the shortest total travel (origin to facility). ``allocate`` solves it exactly by column
generation with a proof of optimality over every feasible pair (see ``allocate``);
``exact_milp`` is the plain reference: ``scipy.optimize.milp`` on the full feasible pair set.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from parcours.core.geography import great_circle_km_many

SEXES = ("F", "M", "X")
MAX_SECURITY_LEVEL = 3

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


# ---------------------------------------------------------------------------------------------
# Plain types
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Feasibility
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Batch allocation
# ---------------------------------------------------------------------------------------------


@dataclass
class _Instance:
    """Every feasible (request, facility) pair of a batch, as columns of the allocation problem."""

    requests: list[Request]
    table: FacilityTable
    req: np.ndarray  # request index of each pair
    fac: np.ndarray  # facility index of each pair
    travel: np.ndarray
    weight: np.ndarray  # priority of the pair's request
    size: np.ndarray  # family size of the pair's request
    status: list[str]  # per request: "" (has pairs), "contradictory" or "no_free_place"
    row_of_fac: np.ndarray  # facility index -> row of its capacity constraint (or -1)
    facs: np.ndarray  # facility indexes that appear in a pair
    build_seconds: float

    def pairs_at(self, f: int) -> np.ndarray:
        """Indexes of the pairs at facility index ``f``."""
        if not hasattr(self, "_by_fac"):
            self._by_fac = np.argsort(self.fac, kind="stable")
            self._fac_starts = np.searchsorted(
                self.fac[self._by_fac], np.arange(len(self.table) + 1)
            )
        return self._by_fac[self._fac_starts[f] : self._fac_starts[f + 1]]

    @property
    def n_req(self) -> int:
        return len(self.requests)

    def matrix(self) -> sparse.csc_array:
        """Rows: one per request (placed at most once), one per facility (capacity)."""
        n = self.req.size
        rows = np.concatenate([self.req, self.n_req + self.row_of_fac[self.fac]])
        cols = np.concatenate([np.arange(n), np.arange(n)])
        data = np.concatenate([np.ones(n), self.size.astype(float)])
        return sparse.csc_array(
            (data, (rows, cols)), shape=(self.n_req + self.facs.size, n), dtype=float
        )

    def rhs(self) -> np.ndarray:
        return np.concatenate([np.ones(self.n_req), self.table.free[self.facs].astype(float)])


def _check_requests(requests: Sequence[Request]) -> None:
    ids = [r.id for r in requests]
    if len(set(ids)) != len(ids):
        raise ValueError("request ids must be unique")
    for r in requests:
        if int(r.priority) != r.priority or r.priority < 1:
            raise ValueError("priority must be an integer >= 1")


def _instance(requests: Sequence[Request], table: FacilityTable) -> _Instance:
    start = time.perf_counter()
    requests = list(requests)
    _check_requests(requests)
    reqs, facs, travels, status = [], [], [], []
    for i, request in enumerate(requests):
        needs = request.needs
        ever = could_ever_fit(needs, table)
        now = np.flatnonzero(ever & (table.free >= needs.family_size))
        if now.size == 0:
            status.append("no_free_place" if ever.any() else "contradictory")
            continue
        status.append("")
        reqs.append(np.full(now.size, i, dtype=np.int64))
        facs.append(now)
        if needs.origin is None:
            travels.append(np.zeros(now.size))
        else:
            lat, lon = needs.origin
            travels.append(great_circle_km_many(lat, lon, table.lat[now], table.lon[now]))
    req = np.concatenate(reqs) if reqs else np.zeros(0, dtype=np.int64)
    fac = np.concatenate(facs) if facs else np.zeros(0, dtype=np.int64)
    travel = np.concatenate(travels) if travels else np.zeros(0)
    priority = np.array([r.priority for r in requests], dtype=np.int64)
    family = np.array([r.needs.family_size for r in requests], dtype=np.int64)
    used = np.unique(fac)
    row_of_fac = np.full(len(table), -1, dtype=np.int64)
    row_of_fac[used] = np.arange(used.size)
    return _Instance(
        requests=requests,
        table=table,
        req=req,
        fac=fac,
        travel=travel,
        weight=priority[req] if req.size else np.zeros(0, dtype=np.int64),
        size=family[req] if req.size else np.zeros(0, dtype=np.int64),
        status=status,
        row_of_fac=row_of_fac,
        facs=used,
        build_seconds=time.perf_counter() - start,
    )


# Objective: the lexicographic order (priority first, travel second) as one linear cost per
# pair, -priority * B + travel, with B larger than any total travel of the batch: losing one
# unit of priority can never be paid back by shorter trips, and among allocations of equal
# priority the shorter total travel wins. Travel is exact to TRAVEL_TOL_KM (the solvers' gap).
TRAVEL_TOL_KM = 1e-3


def _costs(inst: _Instance) -> tuple[np.ndarray, float]:
    longest = np.zeros(inst.n_req)
    np.maximum.at(longest, inst.req, inst.travel)
    big = float(np.ceil(longest.sum())) + 1.0
    return -inst.weight * big + inst.travel, big


def _milp(c, A, upper, *, time_limit=None):
    options = {"mip_rel_gap": 0.0, "mip_abs_gap": TRAVEL_TOL_KM / 10, "disp": False}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    with warnings.catch_warnings():
        # SciPy passes mip_abs_gap on to HiGHS verbatim but warns that it does not know it
        warnings.filterwarnings("ignore", "Unrecognized options detected", RuntimeWarning)
        return milp(
            c,
            constraints=LinearConstraint(A, -np.inf, upper),
            integrality=np.ones(c.size),
            bounds=Bounds(0, 1),
            options=options,
        )


def _result(
    inst: _Instance, chosen: np.ndarray, *, start: float, method: str, info: dict, stale_after=None
) -> Allocation:
    """Turn the chosen pairs into an Allocation, with a reason for each unplaced request."""
    requests, table = inst.requests, inst.table
    assignments: dict[int, int] = {}
    placed_at: dict[int, list[int]] = {}  # facility index -> request indexes placed there
    placed = np.zeros(inst.n_req, dtype=bool)
    for j in chosen.tolist():
        r, f = int(inst.req[j]), int(inst.fac[j])
        assignments[requests[r].id] = int(table.ids[f])
        placed_at.setdefault(f, []).append(r)
        placed[r] = True
    unplaced: dict[int, str] = {}
    if (~placed).any():
        starts = np.searchsorted(inst.req, np.arange(inst.n_req + 1))  # pairs are by request
        for r in np.flatnonzero(~placed).tolist():
            request = requests[r]
            if inst.status[r]:
                unplaced[request.id] = inst.status[r]
                continue
            fitting = inst.fac[starts[r] : starts[r + 1]].tolist()
            others = [requests[o].priority for f in fitting for o in placed_at.get(f, [])]
            lowest = min(others, default=None)
            if lowest is None or lowest < request.priority:
                # only a family can lose to lower priorities: hosting it would displace more
                # priority-weighted people than it places
                unplaced[request.id] = "not_enough_places_together"
            elif lowest > request.priority:
                unplaced[request.id] = "places_went_to_higher_priority"
            else:
                unplaced[request.id] = "to_others_with_equal_priority"
    if stale_after is not None:
        info["on_stale_availability"] = sorted(
            rid
            for rid, fid in assignments.items()
            if table.availability_age_hours[table.position[fid]] > stale_after
        )
    return Allocation(
        assignments=assignments,
        unplaced=unplaced,
        placed_weight=int(inst.weight[chosen].sum()) if chosen.size else 0,
        travel_km=float(inst.travel[chosen].sum()) if chosen.size else 0.0,
        seconds=time.perf_counter() - start,
        method=method,
        info=info,
    )


def exact_milp(
    requests: Sequence[Request], table: FacilityTable, *, time_limit: float | None = None
) -> Allocation:
    """The reference: ``scipy.optimize.milp`` (HiGHS) with integrality on every feasible pair,
    no pruning, gap 0 (travel to ``TRAVEL_TOL_KM``). ``info["optimal"]`` is False when
    ``time_limit`` (seconds) stopped HiGHS before it proved optimality."""
    start = time.perf_counter()
    inst = _instance(requests, table)
    info = {"pairs": int(inst.req.size), "optimal": True}
    if inst.req.size == 0:
        return _result(inst, np.zeros(0, dtype=np.int64), start=start, method="milp", info=info)
    c, _ = _costs(inst)
    res = _milp(c, inst.matrix(), inst.rhs(), time_limit=time_limit)
    info["optimal"] = bool(res.status == 0)
    info["status"] = res.message
    if res.x is None:
        raise RuntimeError(f"milp found no allocation: {res.message}")
    return _result(inst, np.flatnonzero(res.x > 0.5), start=start, method="milp", info=info)


# Column generation -------------------------------------------------------------------------

_INITIAL_PER_REQUEST = 8  # nearest feasible facilities per request in the first column set
_ADDED_PER_REQUEST = 8  # most attractive omitted pairs priced in per request and round
_MAX_ROUNDS = 60
_PRUNE_KM = 50.0  # reduced cost above which a pair leaves the LP's set between rounds
_PRICING_SLACK_KM = 1.0  # stop pricing when the omitted pairs could gain less in all
_CUT_ROUNDS = 20  # rounds that add cuts (they tighten the bound; the proof needs none)
_FIRST_WINDOW_KM = 10.0  # reduced-cost window of the first binary solve


def _per_request_best(req: np.ndarray, key: np.ndarray, candidates: np.ndarray, k: int):
    """Among ``candidates`` (pair indexes), the ``k`` with the smallest key for each request."""
    if candidates.size == 0:
        return candidates
    order = candidates[np.lexsort((key[candidates], req[candidates]))]
    groups = req[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    rank_in_group = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    return order[rank_in_group < k]


class _NotConverged(Exception):
    pass


def _cover_cuts(inst: _Instance, x: np.ndarray, known: set) -> list[tuple[int, ...]]:
    """Extended cover inequalities violated by a fractional LP point (families only).

    At a facility with ``free`` places, a set C of requests whose family sizes add up to more
    than ``free`` cannot all be placed there: Σ_C x <= |C| - 1, and so for C extended with the
    requests at least as large as C's largest (a valid inequality for every allocation). They
    forbid the LP's trick of splitting a family between facilities, which is what makes its
    bound weaker than the allocations when families compete.
    """
    cuts = []
    fractional = np.flatnonzero((x > 1e-6) & (x < 1 - 1e-6))
    for f in np.unique(inst.fac[fractional]).tolist():
        everyone = inst.pairs_at(f)
        at = everyone[x[everyone] > 1e-6]
        free = int(inst.table.free[f])
        sizes = inst.size[at]
        order = np.lexsort((-sizes, -x[at]))
        cover, total = [], 0
        for k in order.tolist():
            cover.append(k)
            total += int(sizes[k])
            if total > free:
                break
        if total <= free:
            continue
        for k in sorted(cover, key=lambda k: x[at[k]]):  # make it minimal
            if len(cover) > 2 and total - sizes[k] > free:
                cover.remove(k)
                total -= int(sizes[k])
        biggest = max(int(sizes[k]) for k in cover)
        members = set(at[cover].tolist())
        members |= set(everyone[inst.size[everyone] >= biggest].tolist())
        cut = tuple(sorted(members))
        if cut not in known and x[list(cut)].sum() > len(cover) - 1 + 1e-6:
            known.add(cut)
            cuts.append((cut, len(cover) - 1))
    return cuts


def _column_generation(inst: _Instance, c: np.ndarray, info: dict) -> np.ndarray:
    """min c·x  s.t.  A x <= b, x binary, over every feasible pair; solved on a growing set.

    1. Column generation on the LP relaxation (HiGHS interior point with crossover): pairs with
       a negative reduced cost d_j = c_j - A_jᵀy (y <= 0: the LP duals, cut rows included) join
       the set, cover cuts (``_cover_cuts``) forbid splitting families, until no cut is violated
       and the omitted pairs could gain less than _PRICING_SLACK_KM in all.
    2. Lagrangian bound, valid for every allocation x (it satisfies A x <= b and the cuts, and
       each request's row caps its pairs' sum at 1): c·x = yᵀAx + d·x >= yᵀb +
       Σ_requests min(0, min_j d_j) =: LB, and c·x >= LB + d_j for every pair j it uses.
    3. The LP vertex, when integral (the rule when every family size is 1: the matrix is then
       totally unimodular), has cost z with z - LB within the slack: optimal. Otherwise
       reduced-cost fixing: an allocation cheaper than z only uses pairs with d_j < z - LB, so
       ``milp`` on the pairs (in the set or not) with d_j <= window gives the optimum once its
       z - LB fits in the window; else the window widens to that gap and it solves again.
    Optimal over every pair, to TRAVEL_TOL_KM of travel; the priority weight is exact.
    """
    A, b = inst.matrix(), inst.rhs()
    m, n = A.shape
    AT = A.T.tocsr()
    in_set = np.zeros(n, dtype=bool)
    # first columns: each request's nearest feasible facilities (the roomiest on equal travel)
    key = inst.travel - 1e-6 * inst.table.free[inst.fac]
    in_set[_per_request_best(inst.req, key, np.arange(n), _INITIAL_PER_REQUEST)] = True
    pruned = np.zeros(n, dtype=bool)
    cuts: list[tuple[tuple[int, ...], int]] = []
    known: set = set()
    lp_solves = milp_solves = cut_rounds = 0
    lp_seconds = milp_seconds = 0.0

    def with_cuts(cols):
        """Rows of the problem restricted to ``cols``: A, then one row per cut."""
        if not cuts:
            return A[:, cols], b, sparse.csr_array((0, n))
        rows = np.concatenate([np.full(len(cut), k) for k, (cut, _) in enumerate(cuts)])
        members = np.concatenate([np.array(cut) for cut, _ in cuts])
        C = sparse.csc_array((np.ones(members.size), (rows, members)), shape=(len(cuts), n))
        restricted = sparse.vstack([A[:, cols], C[:, cols]], format="csc")
        return restricted, np.append(b, [rhs for _, rhs in cuts]), C

    while True:
        cols = np.flatnonzero(in_set)
        A_cols, b_all, C = with_cuts(cols)
        clock = time.perf_counter()
        res = linprog(c[cols], A_ub=A_cols, b_ub=b_all, bounds=(0, None), method="highs-ipm")
        lp_seconds += time.perf_counter() - clock
        lp_solves += 1
        if res.status != 0 or lp_solves > _MAX_ROUNDS:
            raise _NotConverged
        y = np.minimum(res.ineqlin.marginals, 0.0)
        d = c - AT @ y[:m] - C.T @ y[m:]
        violating = np.flatnonzero((d < -TRAVEL_TOL_KM / 10) & ~in_set)
        x = np.zeros(n)
        x[cols] = res.x
        new_cuts = _cover_cuts(inst, x, known) if cut_rounds < _CUT_ROUNDS else []
        # what the violating pairs could still gain (the bound below subtracts it): stop
        # pricing when it is small, the reduced-cost window takes it in
        worst = np.zeros(inst.n_req)
        np.minimum.at(worst, inst.req[violating], d[violating])
        if not new_cuts and -worst.sum() <= _PRICING_SLACK_KM:
            break
        cut_rounds += 1 if new_cuts else 0
        # keep the LP small: pairs far from attractive leave the set (they are priced again at
        # every round, and the proof below covers every pair whether in the set or not); a
        # pair leaves at most once, so the rounds cannot cycle
        leaving = in_set & (d > _PRUNE_KM) & (x <= 1e-9) & ~pruned
        in_set &= ~leaving
        pruned |= leaving
        in_set[_per_request_best(inst.req, d, violating, _ADDED_PER_REQUEST)] = True
        cuts.extend(new_cuts)
    per_request = np.zeros(inst.n_req)
    np.minimum.at(per_request, inst.req, np.minimum(d, 0.0))
    lower = float(y @ b_all + per_request.sum())
    support = x > 1e-6
    proof = "lp_integral"
    integral = bool(np.all(np.abs(x - np.round(x)) <= 1e-6))
    if integral and float(c @ np.round(x)) - lower > TRAVEL_TOL_KM:
        integral = False  # pricing stopped within its slack: the omitted pairs may still help
    if not integral:
        # Reduced-cost fixing: an allocation better than z only uses pairs with d_j < z - LB.
        # Solve the binary problem on the pairs with d_j <= window (and the LP's support); if
        # its gap to LB fits in the window it is optimal, else widen the window to that gap.
        proof = "reduced_cost"
        window = _FIRST_WINDOW_KM
        while True:
            cols = np.flatnonzero((d <= window) | support)
            clock = time.perf_counter()
            A_cols, b_all, _ = with_cuts(cols)
            res = _milp(c[cols], A_cols, b_all)
            milp_seconds += time.perf_counter() - clock
            milp_solves += 1
            if res.status != 0 or res.x is None or milp_solves > 5:
                raise _NotConverged
            x = np.zeros(n)
            x[cols] = np.round(res.x)
            z = float(c @ x)
            if z - lower <= window + TRAVEL_TOL_KM:
                break
            window = z - lower + TRAVEL_TOL_KM
            support = x > 0.5
    x = np.round(x)
    z = float(c @ x)
    info.update(
        lp_solves=lp_solves,
        lp_seconds=lp_seconds,
        milp_solves=milp_solves,
        milp_seconds=milp_seconds,
        cuts=len(cuts),
        columns=int(in_set.sum()),
        milp_columns=int(cols.size) if milp_solves else 0,
        proof=proof,
        bound_gap=z - lower,
    )
    return np.flatnonzero(x > 0.5)


def allocate(
    requests: Sequence[Request], table: FacilityTable, *, stale_after_hours: float = 48.0
) -> Allocation:
    """Batch allocation: the most priority-weighted people placed, then the shortest travel.

    Exact, by column generation with a proof of optimality over every feasible pair (see
    ``_column_generation``): it starts from each request's nearest feasible facilities and
    prices the others with the LP duals, so it solves problems far smaller than
    ``exact_milp`` while proving the same optimum. Should the proof not close within its rounds
    it falls back to ``exact_milp`` (``method`` says which).
    ``info["on_stale_availability"]`` lists the requests placed where availability is older than
    ``stale_after_hours``: the coordinator confirms those by phone.
    """
    start = time.perf_counter()
    inst = _instance(requests, table)
    info: dict = {"pairs": int(inst.req.size), "build_seconds": inst.build_seconds, "gap": 0.0}
    method = "column_generation"
    chosen = np.zeros(0, dtype=np.int64)
    if inst.req.size:
        c, _ = _costs(inst)
        try:
            chosen = _column_generation(inst, c, info)
        except _NotConverged:
            method = "milp_fallback"
            res = _milp(c, inst.matrix(), inst.rhs())
            if res.x is None:
                raise RuntimeError(f"milp found no allocation: {res.message}") from None
            chosen = np.flatnonzero(res.x > 0.5)
    return _result(
        inst, chosen, start=start, method=method, info=info, stale_after=stale_after_hours
    )


def violations(
    requests: Sequence[Request], table: FacilityTable, allocation: Allocation
) -> list[str]:
    """Every broken constraint of an allocation (empty when it is valid): for tests and audits."""
    problems = []
    by_id = {r.id: r for r in requests}
    used: dict[int, int] = {}
    for rid, fid in allocation.assignments.items():
        request = by_id.get(rid)
        if request is None:
            problems.append(f"unknown request {rid}")
            continue
        f = table.position.get(fid)
        if f is None:
            problems.append(f"request {rid}: unknown facility {fid}")
            continue
        if not feasible(request.needs, table)[f]:
            problems.append(f"request {rid}: facility {fid} does not fit")
        used[f] = used.get(f, 0) + request.needs.family_size
    for f, n in used.items():
        if n > table.free[f]:
            problems.append(f"facility {int(table.ids[f])}: {n} placed for {table.free[f]} free")
    overlap = set(allocation.assignments) & set(allocation.unplaced)
    if overlap:
        problems.append(f"requests both placed and unplaced: {sorted(overlap)}")
    missing = set(by_id) - set(allocation.assignments) - set(allocation.unplaced)
    if missing:
        problems.append(f"requests neither placed nor explained: {sorted(missing)}")
    return problems
