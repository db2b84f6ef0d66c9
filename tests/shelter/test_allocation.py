"""Batch allocation for the coordinator (issue 5, S4): exact, checked against brute force."""

import itertools
from functools import cache

import numpy as np
import pytest

from parcours.core.geography import great_circle_km
from parcours.shelter.matching import (
    UNPLACED_REASONS,
    FacilityRow,
    FacilityTable,
    Needs,
    Request,
    Zone,
    allocate,
    could_ever_fit,
    exact_milp,
    feasible,
    violations,
)
from parcours.shelter.matching import allocation as matching  # the module of _MAX_ROUNDS

TOL_KM = 1e-3


def facility(fid, lat, lon, dep, **changes) -> FacilityRow:
    values = dict(
        id=fid,
        lat=lat,
        lon=lon,
        departement=dep,
        capacity=20,
        free=1,
        accepts_women=False,
        accepts_men=True,
        accepts_minors=False,
        accepts_adults=True,
        families=False,
        pets=False,
        languages=frozenset({"français"}),
        security_level=1,
        availability_age_hours=3.0,
        recent_acceptance_rate=0.5,
    )
    values.update(changes)
    return FacilityRow(**values)


# --- independent references -------------------------------------------------------------------


def options(requests, table):
    """For each request: [(facility index, travel)] where it may go now."""
    result = []
    for request in requests:
        where = np.flatnonzero(feasible(request.needs, table)).tolist()
        origin = request.needs.origin
        result.append(
            [
                (f, 0.0 if origin is None else great_circle_km(*origin, table.lat[f], table.lon[f]))
                for f in where
            ]
        )
    return result


def better(a, b):
    """Lexicographic: more priority placed, then less travel."""
    if a[0] != b[0]:
        return a[0] > b[0]
    return a[1] < b[1] - 1e-9


def enumerate_all(requests, table):
    """Every way to place or not place each request: (best weight, least travel)."""
    choices = [[None, *opts] for opts in options(requests, table)]
    best = (0, 0.0)
    for combo in itertools.product(*choices):
        used = {}
        weight, travel = 0, 0.0
        for request, choice in zip(requests, combo, strict=True):
            if choice is None:
                continue
            f, km = choice
            used[f] = used.get(f, 0) + request.needs.family_size
            weight += request.priority
            travel += km
        if all(n <= table.free[f] for f, n in used.items()) and better((weight, travel), best):
            best = (weight, travel)
    return best


def exhaustive(requests, table):
    """Exhaustive search over remaining capacities (memoised): same optimum, larger instances."""
    opts = options(requests, table)
    facilities = sorted({f for o in opts for f, _ in o})
    slot = {f: k for k, f in enumerate(facilities)}

    @cache
    def best(i, remaining):
        if i == len(requests):
            return (0, 0.0)
        result = best(i + 1, remaining)  # not placed
        size = requests[i].needs.family_size
        for f, km in opts[i]:
            k = slot[f]
            if remaining[k] >= size:
                rest = remaining[:k] + (remaining[k] - size,) + remaining[k + 1 :]
                sub = best(i + 1, rest)
                candidate = (sub[0] + requests[i].priority, sub[1] + km)
                if better(candidate, result):
                    result = candidate
        return result

    return best(0, tuple(int(table.free[f]) for f in facilities))


def assert_same_optimum(allocation, reference):
    assert allocation.placed_weight == reference[0]
    assert allocation.travel_km == pytest.approx(reference[1], abs=TOL_KM)


def assert_honest_reasons(requests, table, allocation):
    """Each unplaced request's reason is true of the allocation."""
    priority = {r.id: r.priority for r in requests}
    occupants = {}
    for rid, fid in allocation.assignments.items():
        occupants.setdefault(fid, []).append(rid)
    for request in requests:
        reason = allocation.unplaced.get(request.id)
        if reason is None:
            continue
        assert reason in UNPLACED_REASONS
        ever = could_ever_fit(request.needs, table)
        now = feasible(request.needs, table)
        if reason == "contradictory":
            assert not ever.any()
            continue
        if reason == "no_free_place":
            assert ever.any() and not now.any()
            continue
        others = [
            priority[o]
            for f in np.flatnonzero(now).tolist()
            for o in occupants.get(int(table.ids[f]), [])
        ]
        assert others, reason
        if reason == "places_went_to_higher_priority":
            assert min(others) > request.priority
        elif reason == "to_others_with_equal_priority":
            assert min(others) == request.priority
        else:
            assert reason == "not_enough_places_together" and request.needs.family_size > 1


def check(requests, table, allocation):
    assert violations(requests, table, allocation) == []
    assert_honest_reasons(requests, table, allocation)


# --- S4: twelve men from a farm in Lot-et-Garonne ----------------------------------------------

AGEN = (44.20, 0.62)
FARM_ZONE = Zone(lat=AGEN[0], lon=AGEN[1], departement="47")


def s4_network() -> FacilityTable:
    return FacilityTable.from_rows(
        [
            facility(1, 44.20, 0.65, "47", free=4),  # in the farm's département
            facility(2, 44.84, -0.58, "33", free=3),  # Bordeaux: about 115 km, too close
            facility(3, 43.60, 1.44, "31", free=2),  # Toulouse: about 95 km, too close
            facility(4, 45.83, 1.26, "87", free=2),  # Limoges
            facility(5, 43.61, 3.88, "34", free=2, accepts_women=True,
                     languages=frozenset({"français", "arabe"})),  # Montpellier, mixed
            facility(6, 45.76, 4.84, "69", free=2, security_level=3),  # Lyon, high security
            facility(7, 48.86, 2.35, "75", free=1, pets=True),  # Paris, accepts a dog
            facility(8, 47.22, -1.55, "44", free=3, accepts_women=True, accepts_men=False),
            facility(9, 50.63, 3.06, "59", free=0),  # Lille, full
            facility(10, 48.58, 7.75, "67", free=1, availability_age_hours=80),  # stale
            facility(11, 43.30, 5.37, "13", free=2, accepts_minors=True, accepts_adults=False),
        ]
    )  # fmt: skip


def s4_requests() -> list[Request]:
    def man(i, priority, **needs):
        return Request(
            id=i,
            priority=priority,
            needs=Needs(sex="M", zones=(FARM_ZONE,), origin=AGEN, **needs),
        )

    return [
        man(1, 3, security_level=3),  # threatened witness: a high-security place only
        man(2, 3),  # injured
        man(3, 3, languages=("arabe",)),
        man(4, 2),
        man(5, 2, pets=True),  # will not leave his dog
        man(6, 2),
        man(7, 2),
        man(8, 1),
        man(9, 1),
        man(10, 1),
        man(11, 1, languages=("arabe",)),
        man(12, 1),
    ]


def test_s4_places_as_many_as_the_availability_allows_highest_priority_first():
    table, requests = s4_network(), s4_requests()
    result = allocate(requests, table)
    check(requests, table, result)
    # eight places fit men outside the zone: Limoges 2, Montpellier 2, Lyon 2, Paris 1,
    # Strasbourg 1 (stale); the farm's département and the nearby cities are excluded
    assert len(result.assignments) == 8
    assert set(result.assignments.values()) <= {4, 5, 6, 7, 10}
    for request in requests:
        if request.priority >= 2:
            assert request.id in result.assignments
    assert result.assignments[1] == 6  # the witness in the high-security place
    assert result.assignments[5] == 7  # the man with his dog in Paris
    assert result.placed_weight == 3 * 3 + 4 * 2 + 1
    # who could not be placed, and why
    assert len(result.unplaced) == 4
    assert all(r in {8, 9, 10, 11, 12} for r in result.unplaced)
    assert set(result.unplaced.values()) == {"to_others_with_equal_priority"}
    # the stale place is flagged for a phone check
    stale_requests = result.info["on_stale_availability"]
    assert [result.assignments[r] for r in stale_requests] == [10]
    # same optimum as the exhaustive search and the plain MILP
    assert_same_optimum(result, exhaustive(requests, table))
    reference = exact_milp(requests, table)
    check(requests, table, reference)
    assert (reference.placed_weight, reference.travel_km) == pytest.approx(
        (result.placed_weight, result.travel_km), abs=TOL_KM
    )


def test_s4_small_instance_against_plain_enumeration():
    table = s4_network()
    requests = [r for r in s4_requests() if r.id in {1, 2, 4, 5, 8, 9, 10}]
    result = allocate(requests, table)
    check(requests, table, result)
    assert_same_optimum(result, enumerate_all(requests, table))


def test_s4_when_places_are_scarcer_lower_priorities_lose_to_higher_ones():
    rows = [
        facility(4, 45.83, 1.26, "87", free=2),
        facility(6, 45.76, 4.84, "69", free=1, security_level=3),
    ]
    table = FacilityTable.from_rows(rows)
    requests = s4_requests()
    result = allocate(requests, table)
    check(requests, table, result)
    assert result.placed_weight == 9  # the three priority-3 men
    assert sorted(result.assignments) == [1, 2, 3]
    for rid in range(4, 13):
        # no place of this smaller network takes a dog: nothing could ever fit him
        expected = "contradictory" if rid == 5 else "places_went_to_higher_priority"
        assert result.unplaced[rid] == expected


# --- reasons ----------------------------------------------------------------------------------


def test_contradictory_request_is_explained_and_does_not_block_the_others():
    table = s4_network()
    requests = [
        Request(1, Needs(sex="M", zones=(FARM_ZONE,), min_distance_km=2000), priority=3),
        Request(2, Needs(sex="M", zones=(FARM_ZONE,), pets=True, security_level=3)),
        Request(3, Needs(sex="M", zones=(FARM_ZONE,))),
    ]
    result = allocate(requests, table)
    check(requests, table, result)
    assert result.unplaced == {1: "contradictory", 2: "contradictory"}
    assert 3 in result.assignments


def test_full_network_says_no_free_place():
    table = FacilityTable.from_rows([facility(9, 50.63, 3.06, "59", free=0)])
    requests = [Request(1, Needs(sex="M", zones=(FARM_ZONE,)))]
    result = allocate(requests, table)
    assert result.unplaced == {1: "no_free_place"} and result.placed_weight == 0


def test_equal_priorities_are_decided_by_shorter_travel():
    table = FacilityTable.from_rows([facility(4, 45.83, 1.26, "87", free=1)])
    near = Request(1, Needs(sex="M", origin=(45.0, 1.0)))
    far = Request(2, Needs(sex="M", origin=(43.0, 6.0)))
    result = allocate([far, near], table)
    assert result.assignments == {1: 4}
    assert result.unplaced == {2: "to_others_with_equal_priority"}


def test_a_family_loses_to_more_priority_weighted_people():
    table = FacilityTable.from_rows([facility(4, 45.83, 1.26, "87", free=3, families=True)])
    family = Request(1, Needs(sex="M", family_size=3), priority=2)
    singles = [Request(i, Needs(sex="M"), priority=1) for i in (2, 3, 4)]
    result = allocate([family, *singles], table)
    check([family, *singles], table, result)
    assert result.placed_weight == 3
    assert result.unplaced == {1: "not_enough_places_together"}
    # with a higher priority the family goes first
    urgent = Request(1, Needs(sex="M", family_size=3), priority=4)
    result = allocate([urgent, *singles], table)
    assert result.assignments == {1: 4} and result.placed_weight == 4


def test_empty_batch_and_invalid_requests():
    table = s4_network()
    result = allocate([], table)
    assert result.assignments == {} and result.unplaced == {} and result.placed_weight == 0
    with pytest.raises(ValueError):
        allocate([Request(1, Needs(sex="M"), priority=0)], table)
    with pytest.raises(ValueError):
        allocate([Request(1, Needs(sex="M")), Request(1, Needs(sex="M"))], table)


# --- random instances -------------------------------------------------------------------------


def random_instance(rng, n_facilities, n_requests, family_share=0.2):
    rows = []
    for i in range(n_facilities):
        rows.append(
            FacilityRow(
                id=i + 1,
                lat=float(rng.uniform(43, 50)),
                lon=float(rng.uniform(-1, 7)),
                departement=str(rng.choice(["13", "33", "47", "69", "75"])),
                capacity=10,
                free=int(rng.integers(0, 4)),
                accepts_women=bool(rng.random() < 0.7),
                accepts_men=bool(rng.random() < 0.7),
                accepts_minors=bool(rng.random() < 0.2),
                accepts_adults=bool(rng.random() < 0.9),
                families=bool(rng.random() < 0.5),
                pets=bool(rng.random() < 0.3),
                languages=frozenset({"français"}),
                security_level=int(rng.integers(0, 3)),
                availability_age_hours=float(rng.uniform(0, 80)),
            )
        )
    requests = []
    for i in range(n_requests):
        zone = Zone(
            lat=float(rng.uniform(43, 50)),
            lon=float(rng.uniform(-1, 7)),
            radius_km=float(rng.uniform(0, 40)),
            departement=str(rng.choice(["", "47", "75"])),
        )
        needs = Needs(
            sex=str(rng.choice(["F", "M", "X"])),
            minor=bool(rng.random() < 0.1),
            family_size=int(rng.integers(2, 4)) if rng.random() < family_share else 1,
            pets=bool(rng.random() < 0.1),
            min_distance_km=float(rng.choice([50.0, 150.0])),
            zones=(zone,),
            origin=(float(rng.uniform(43, 50)), float(rng.uniform(-1, 7)))
            if rng.random() < 0.9
            else None,
            security_level=int(rng.integers(0, 2)),
        )
        requests.append(Request(i + 1, needs, priority=int(rng.integers(1, 4))))
    return requests, FacilityTable.from_rows(rows)


def test_random_tiny_instances_match_plain_enumeration():
    rng = np.random.default_rng(20240605)
    for _ in range(25):
        requests, table = random_instance(rng, n_facilities=4, n_requests=5)
        result = allocate(requests, table)
        check(requests, table, result)
        assert_same_optimum(result, enumerate_all(requests, table))


def test_random_small_instances_match_exhaustive_search_and_milp():
    rng = np.random.default_rng(7)
    for _ in range(25):
        requests, table = random_instance(rng, n_facilities=8, n_requests=12)
        result = allocate(requests, table)
        check(requests, table, result)
        assert_same_optimum(result, exhaustive(requests, table))
        reference = exact_milp(requests, table)
        check(requests, table, reference)
        assert reference.placed_weight == result.placed_weight
        assert reference.travel_km == pytest.approx(result.travel_km, abs=TOL_KM)


def test_medium_instances_with_competing_families_match_the_milp():
    # large enough for column generation to price pairs in, cover cuts and reduced-cost windows
    rng = np.random.default_rng(4)
    methods = set()
    for _ in range(3):
        requests, table = random_instance(rng, n_facilities=60, n_requests=90, family_share=0.3)
        result = allocate(requests, table)
        check(requests, table, result)
        reference = exact_milp(requests, table)
        assert reference.placed_weight == result.placed_weight
        assert reference.travel_km == pytest.approx(result.travel_km, abs=TOL_KM)
        methods.add(result.info["proof"])
    # one LP vertex was integral, others fractional: the binary step was exercised
    assert methods == {"lp_integral", "reduced_cost"}


def test_fallback_to_the_plain_milp_gives_the_same_optimum(monkeypatch):
    rng = np.random.default_rng(3)
    requests, table = random_instance(rng, n_facilities=30, n_requests=40, family_share=0.3)
    expected = allocate(requests, table)
    monkeypatch.setattr(matching, "_MAX_ROUNDS", 0)
    result = allocate(requests, table)
    assert result.method == "milp_fallback"
    check(requests, table, result)
    assert result.placed_weight == expected.placed_weight
    assert result.travel_km == pytest.approx(expected.travel_km, abs=TOL_KM)
