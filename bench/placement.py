"""Placement benchmark (issue 5): ranking latency and batch allocation vs the exact MILP.

Run from the repository root:  .venv/bin/python bench/placement.py [--seed N] [--quick]

A seeded synthetic national instance (fictional): 5,000 facilities spread over metropolitan
France around the départements' prefectures, most of them full, a few free places each, varied
profiles; 2,000 requests with 1-3 danger zones each, priorities 1-3, a few families. Prints, in
one run: ranking latency for one request (p50/p95 over the requests, the FacilityTable built once
and timed apart), then the batch allocation by ``allocate`` and by ``exact_milp`` (plain
``scipy.optimize.milp`` on every feasible pair) side by side, with the gap between them.
No Django settings are needed: the matching module is pure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from parcours.core import geography  # noqa: E402
from parcours.shelter.matching import (  # noqa: E402
    FacilityRow,
    FacilityTable,
    Needs,
    Request,
    Zone,
    allocate,
    exact_milp,
    rank,
    violations,
)

LANGUAGES = ["anglais", "roumain", "bulgare", "arabe", "espagnol", "portugais", "chinois", "russe"]


def metropolitan_points() -> list[tuple[str, float, float]]:
    points = []
    for code in geography.departements():
        if geography.is_overseas(code):
            continue
        lat, lon = geography.departement_point(code)
        points.append((code, lat, lon))
    return points


def facilities(rng: np.random.Generator, points, n: int) -> list[FacilityRow]:
    rows = []
    for i in range(n):
        code, lat, lon = points[rng.integers(len(points))]
        sex = rng.choice(["F", "M", "mixed"], p=[0.35, 0.25, 0.40])
        age = rng.choice(["adults", "minors", "both"], p=[0.85, 0.10, 0.05])
        capacity = int(rng.integers(5, 61))
        free = 0 if rng.random() < 0.75 else int(min(capacity, rng.geometric(0.5)))
        spoken = {"français"} | set(rng.choice(LANGUAGES, size=rng.integers(0, 3), replace=False))
        rows.append(
            FacilityRow(
                id=100_000 + i,
                lat=float(lat + rng.normal(0, 0.15)),
                lon=float(lon + rng.normal(0, 0.2)),
                departement=code,
                capacity=capacity,
                free=free,
                accepts_women=sex != "M",
                accepts_men=sex != "F",
                accepts_minors=age != "adults",
                accepts_adults=age != "minors",
                families=bool(rng.random() < 0.3),
                pets=bool(rng.random() < 0.1),
                languages=frozenset(str(s) for s in spoken),
                security_level=int(rng.choice(4, p=[0.5, 0.25, 0.15, 0.10])),
                availability_age_hours=float(rng.exponential(24.0)),
                recent_acceptance_rate=float(rng.beta(4, 2)),
            )
        )
    return rows


def requests(rng: np.random.Generator, points, n: int) -> list[Request]:
    result = []
    for i in range(n):
        code, lat, lon = points[rng.integers(len(points))]
        origin = (float(lat + rng.normal(0, 0.1)), float(lon + rng.normal(0, 0.1)))
        # the département where the person was exploited, plus 0-2 places of the network
        zones = [Zone(lat=lat, lon=lon, radius_km=20.0, departement=code)]
        for _ in range(rng.integers(0, 3)):
            _, zlat, zlon = points[rng.integers(len(points))]
            zones.append(Zone(lat=zlat, lon=zlon, radius_km=float(rng.uniform(0, 30))))
        family = int(rng.integers(2, 5)) if rng.random() < 0.05 else 1
        needs = Needs(
            sex=str(rng.choice(["F", "M", "X"], p=[0.6, 0.36, 0.04])),
            minor=bool(rng.random() < 0.08) and family == 1,
            family_size=family,
            pets=bool(rng.random() < 0.03),
            languages=tuple(str(s) for s in rng.choice(LANGUAGES, size=rng.integers(1, 3))),
            min_distance_km=150.0,
            zones=tuple(zones),
            origin=origin,
            security_level=int(rng.choice(3, p=[0.6, 0.3, 0.1])),
        )
        result.append(Request(id=i + 1, needs=needs, priority=int(rng.integers(1, 4))))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--facilities", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rankings", type=int, default=500)
    parser.add_argument("--milp-time-limit", type=float, default=600.0)
    parser.add_argument("--skip-milp", action="store_true", help="leave the reference MILP out")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    points = metropolitan_points()
    rows = facilities(rng, points, args.facilities)
    batch = requests(rng, points, args.requests)
    free = sum(r.free for r in rows)
    print(
        f"instance: seed {args.seed}, {len(rows)} facilities "
        f"({sum(r.free > 0 for r in rows)} with free places, {free} free places), "
        f"{len(batch)} requests ({sum(r.needs.family_size > 1 for r in batch)} families)"
    )

    start = time.perf_counter()
    table = FacilityTable.from_rows(rows)
    print(f"FacilityTable.from_rows: {1000 * (time.perf_counter() - start):.1f} ms (once)")

    # ranking: one request at a time, the first page (20) and the full list
    for limit in (20, None):
        timings = []
        for request in batch[: args.rankings]:
            t = time.perf_counter()
            rank(request.needs, table, limit=limit)
            timings.append(1000 * (time.perf_counter() - t))
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(
            f"rank(limit={limit}) over {len(timings)} requests: "
            f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms "
            f"(goal p95 < 50 ms)"
        )

    fast = allocate(batch, table)
    assert not violations(batch, table, fast), violations(batch, table, fast)
    print(f"batch allocation, {len(batch)} requests x {len(rows)} facilities (goal < 10 s):")
    print(line("allocate", fast), flush=True)
    exact = None
    if not args.skip_milp:
        exact = exact_milp(batch, table, time_limit=args.milp_time_limit)
        assert not violations(batch, table, exact), violations(batch, table, exact)
        print(line("exact_milp", exact))
        weight_gap = (
            100.0 * (exact.placed_weight - fast.placed_weight) / max(1, exact.placed_weight)
        )
        travel_gap = 100.0 * (fast.travel_km - exact.travel_km) / max(1e-9, exact.travel_km)
        print(
            f"gap to the exact optimum: priority-weight {weight_gap:.4f} %, "
            f"travel {travel_gap:.6f} % (goal 0 %)"
        )
        if not exact.info.get("optimal", True):
            print("note: the MILP stopped at its time limit; its figures are not proven optimal")
    reasons: dict[str, int] = {}
    for reason in fast.unplaced.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    print(f"unplaced by reason: {dict(sorted(reasons.items()))}")
    info = {k: v for k, v in fast.info.items() if k != "on_stale_availability"}
    print(f"allocate details: {info}")
    stale = len(fast.info["on_stale_availability"])
    print(f"placed on stale availability (to confirm by phone): {stale}")
    if exact is not None:
        print(f"exact_milp details: {exact.info}")


def line(name, a) -> str:
    return (
        f"{name:<12} {a.seconds:8.2f} s  placed {len(a.assignments):5d}  "
        f"priority-weight {a.placed_weight:6d}  travel {a.travel_km:12.3f} km  ({a.method})"
    )


if __name__ == "__main__":
    main()
