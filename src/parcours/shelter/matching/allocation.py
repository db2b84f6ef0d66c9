"""The coordinator's batch allocation: ``allocate`` (exact, by column generation) and
``exact_milp`` (the plain reference), and ``violations`` to check an allocation.

Objective (lexicographic): first the largest sum of priorities of the people placed, then the
shortest total travel (origin to facility). ``allocate`` solves it exactly by column generation
with a proof of optimality over every feasible pair (see ``allocate``); ``exact_milp`` is the
plain reference: ``scipy.optimize.milp`` on the full feasible pair set. SciPy (HiGHS:
``linprog`` and ``milp``) solves, numpy builds the pairs; the pairs are those of
``matching.feasibility``.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from parcours.core.geography import great_circle_km_many
from parcours.shelter.matching.feasibility import could_ever_fit, feasible
from parcours.shelter.matching.types import Allocation, FacilityTable, Request


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
