"""Which places fit a person and in what order (issue 5): pure functions, no database."""

import math

import numpy as np
import pytest

from parcours.core.geography import great_circle_km
from parcours.shelter.matching import (
    FacilityRow,
    FacilityTable,
    Needs,
    Zone,
    band_labels,
    feasible,
    fits_profile,
    outside_zones,
    rank,
    why_nothing_fits,
)

KM_PER_DEGREE = great_circle_km(0.0, 0.0, 1.0, 0.0)
ZONE = Zone(lat=44.0, lon=0.0)


def north_of_zone(km: float) -> tuple[float, float]:
    """A point ``km`` kilometres due north of ZONE (same meridian)."""
    return ZONE.lat + km / KM_PER_DEGREE, ZONE.lon


def facility(fid: int, km: float = 400.0, **changes) -> FacilityRow:
    lat, lon = north_of_zone(km)
    values = dict(
        id=fid,
        lat=lat,
        lon=lon,
        departement="75",
        capacity=20,
        free=2,
        accepts_women=True,
        accepts_men=True,
        accepts_minors=False,
        accepts_adults=True,
        families=False,
        pets=False,
        languages=frozenset({"français"}),
        security_level=0,
        availability_age_hours=2.0,
        recent_acceptance_rate=0.5,
    )
    values.update(changes)
    return FacilityRow(**values)


def table(*rows: FacilityRow) -> FacilityTable:
    return FacilityTable.from_rows(rows)


def ids(needs, tbl, **kwargs) -> list[int]:
    return [r.facility_id for r in rank(needs, tbl, **kwargs)]


def test_distances_used_by_the_tests_are_what_they_say():
    lat, lon = north_of_zone(160)
    assert great_circle_km(ZONE.lat, ZONE.lon, lat, lon) == pytest.approx(160, abs=1e-6)


# --- profile --------------------------------------------------------------------------------


def test_sex_women_men_and_unknown_only_where_accepted():
    tbl = table(
        facility(1, accepts_men=False),  # women only
        facility(2, accepts_women=False),  # men only
        facility(3),  # mixed
    )
    assert fits_profile(Needs(sex="F"), tbl).tolist() == [True, False, True]
    assert fits_profile(Needs(sex="M"), tbl).tolist() == [False, True, True]
    # unknown / other: only facilities accepting both
    assert fits_profile(Needs(sex="X"), tbl).tolist() == [False, False, True]


def test_minors_and_adults_and_pets():
    tbl = table(
        facility(1),  # adults only
        facility(2, accepts_minors=True, accepts_adults=False),
        facility(3, accepts_minors=True, pets=True),
    )
    assert fits_profile(Needs(sex="F", minor=True), tbl).tolist() == [False, True, True]
    assert fits_profile(Needs(sex="F"), tbl).tolist() == [True, False, True]
    assert fits_profile(Needs(sex="F", pets=True), tbl).tolist() == [False, False, True]


def test_family_needs_a_family_facility_with_that_many_free_places():
    tbl = table(
        facility(1, families=False, free=5),
        facility(2, families=True, free=2),
        facility(3, families=True, free=3),
        facility(4, families=True, free=3, capacity=2),  # inconsistent data: capacity rules
    )
    needs = Needs(sex="F", family_size=3)
    assert feasible(needs, tbl).tolist() == [False, False, True, False]
    assert ids(needs, tbl) == [3]
    # one person alone may go to any of them
    assert sorted(ids(Needs(sex="F"), tbl)) == [1, 2, 3, 4]


def test_security_level_is_a_minimum():
    tbl = table(facility(1, security_level=1), facility(2, security_level=2), facility(3))
    assert sorted(ids(Needs(sex="F", security_level=2), tbl)) == [2]
    assert sorted(ids(Needs(sex="F", security_level=1), tbl)) == [1, 2]


def test_full_facilities_are_not_ranked():
    tbl = table(facility(1, free=0), facility(2, free=1))
    assert ids(Needs(sex="F"), tbl) == [2]


def test_invalid_needs_are_refused():
    with pytest.raises(ValueError):
        Needs(sex="female")
    with pytest.raises(ValueError):
        Needs(sex="F", family_size=0)


# --- danger zones ---------------------------------------------------------------------------


def test_departement_zone_excludes_the_whole_departement_however_far_from_its_point():
    tbl = table(facility(1, km=400, departement="47"), facility(2, km=400, departement="33"))
    needs = Needs(sex="F", zones=(Zone(lat=ZONE.lat, lon=ZONE.lon, departement="47"),))
    assert outside_zones(needs, tbl).tolist() == [False, True]
    # a département-only zone (no point): only the département counts
    only = Needs(sex="F", zones=(Zone(lat=math.nan, lon=math.nan, departement="47"),))
    near = table(facility(1, km=10, departement="47"), facility(2, km=10, departement="33"))
    assert outside_zones(only, near).tolist() == [False, True]


def test_point_zone_minimum_distance_counts_from_the_edge_of_its_radius():
    tbl = table(facility(1, km=140), facility(2, km=160), facility(3, km=300))
    point = Needs(sex="F", zones=(ZONE,))
    assert outside_zones(point, tbl).tolist() == [False, True, True]
    # a 20 km radius: 160 km from the centre is 140 km from the edge, too close
    wide = Needs(sex="F", zones=(Zone(lat=ZONE.lat, lon=ZONE.lon, radius_km=20),))
    assert outside_zones(wide, tbl).tolist() == [False, False, True]


def test_minimum_distance_is_configurable_and_applies_to_each_zone():
    tbl = table(facility(1, km=140), facility(2, km=160), facility(3, km=300))
    assert outside_zones(Needs(sex="F", zones=(ZONE,), min_distance_km=100), tbl).all()
    assert outside_zones(Needs(sex="F", zones=(ZONE,), min_distance_km=200), tbl).tolist() == [
        False,
        False,
        True,
    ]
    # a second zone 400 km north of the first: only the facility at 160 km is far from both
    second = Zone(*north_of_zone(400))
    both = Needs(sex="F", zones=(ZONE, second))
    assert outside_zones(both, tbl).tolist() == [False, True, False]


def test_no_zone_means_everywhere_is_outside():
    tbl = table(facility(1, km=0))
    assert outside_zones(Needs(sex="F"), tbl).all()
    [only] = rank(Needs(sex="F"), tbl)
    assert only.band == "no_zone" and only.nearest_zone_km is None


# --- ranking --------------------------------------------------------------------------------


def test_band_labels_follow_the_minimum_distance():
    assert band_labels(150)[1] == ["150-300", "300-600", "600+"]
    assert band_labels(400)[1] == ["400-600", "600+"]
    assert band_labels(700)[1] == ["700+"]


def test_farther_band_ranks_first_all_else_equal():
    tbl = table(facility(1, km=200), facility(2, km=400), facility(3, km=800))
    ranked = rank(Needs(sex="F", zones=(ZONE,)), tbl)
    assert [r.facility_id for r in ranked] == [3, 2, 1]
    assert [r.band for r in ranked] == ["600+", "300-600", "150-300"]
    assert ranked[0].nearest_zone_km == pytest.approx(800, abs=1e-6)
    assert "far_from_danger" in ranked[0].reasons


def test_a_shared_language_ranks_higher():
    tbl = table(
        facility(1, languages=frozenset({"français"})),
        facility(2, languages=frozenset({"français", "roumain"})),
    )
    ranked = rank(Needs(sex="F", zones=(ZONE,), languages=("roumain",)), tbl)
    assert [r.facility_id for r in ranked] == [2, 1]
    assert "language" in ranked[0].reasons and "language" not in ranked[1].reasons


def test_stale_availability_is_flagged_and_ranked_after_every_fresh_place():
    tbl = table(
        # the best place on paper, but its availability is four days old
        facility(1, km=800, languages=frozenset({"roumain"}), availability_age_hours=96,
                 recent_acceptance_rate=1.0),
        facility(2, km=200, availability_age_hours=40, recent_acceptance_rate=0.1),
    )  # fmt: skip
    ranked = rank(Needs(sex="F", zones=(ZONE,), languages=("roumain",)), tbl)
    assert [(r.facility_id, r.stale) for r in ranked] == [(2, False), (1, True)]
    assert "stale" in ranked[1].reasons
    # the threshold is configurable: with a week, both are fresh and the better one leads
    ranked = rank(Needs(sex="F", zones=(ZONE,), languages=("roumain",)), tbl,
                  stale_after_hours=168)  # fmt: skip
    assert [(r.facility_id, r.stale) for r in ranked] == [(1, False), (2, False)]


def test_fresher_availability_ranks_higher():
    tbl = table(facility(1, availability_age_hours=30), facility(2, availability_age_hours=1))
    ranked = rank(Needs(sex="F", zones=(ZONE,)), tbl)
    assert [r.facility_id for r in ranked] == [2, 1]
    assert "fresh" in ranked[0].reasons


def test_facility_that_accepts_proposals_ranks_higher():
    tbl = table(facility(1, recent_acceptance_rate=0.2), facility(2, recent_acceptance_rate=0.9))
    ranked = rank(Needs(sex="F", zones=(ZONE,)), tbl)
    assert [r.facility_id for r in ranked] == [2, 1]
    assert "accepts_often" in ranked[0].reasons and "rarely_accepts" in ranked[1].reasons


def test_specialised_facility_fits_the_profile_better():
    tbl = table(facility(1), facility(2, accepts_men=False))
    ranked = rank(Needs(sex="F", zones=(ZONE,)), tbl)
    assert [r.facility_id for r in ranked] == [2, 1]
    assert "single_sex" in ranked[0].reasons


def test_equal_fitness_goes_to_shorter_travel_and_limit_cuts_the_list():
    tbl = table(facility(1, km=400), facility(2, km=450, lat=north_of_zone(400)[0] + 0.0))
    origin = north_of_zone(390)
    ranked = rank(Needs(sex="F", zones=(ZONE,), origin=origin), tbl)
    assert ranked[0].facility_id == 1
    assert ranked[0].travel_km == pytest.approx(10, abs=1e-6)
    assert len(rank(Needs(sex="F", zones=(ZONE,)), tbl, limit=1)) == 1
    assert all(r.travel_km is None for r in rank(Needs(sex="F"), tbl))


def test_ranking_scores_are_between_0_and_100_and_sorted():
    rng = np.random.default_rng(1)
    rows = [
        facility(
            i,
            km=float(rng.uniform(150, 900)),
            availability_age_hours=float(rng.uniform(0, 60)),
            recent_acceptance_rate=float(rng.uniform()),
            accepts_men=bool(rng.random() < 0.5),
        )
        for i in range(200)
    ]
    ranked = rank(Needs(sex="F", zones=(ZONE,)), table(*rows))
    assert ranked and all(0 <= r.score <= 100 for r in ranked)
    keys = [(r.stale, -r.score) for r in ranked]
    assert keys == sorted(keys)


# --- nothing fits ---------------------------------------------------------------------------


def test_something_fits_means_no_reason():
    assert why_nothing_fits(Needs(sex="F"), table(facility(1))) == []


def test_full_network_says_no_free_place():
    tbl = table(facility(1, free=0), facility(2, free=0))
    assert rank(Needs(sex="F"), tbl) == []
    assert why_nothing_fits(Needs(sex="F"), tbl) == ["no_free_place"]
    # a family for which the fitting facilities have too few free places
    fam = table(facility(1, families=True, free=2))
    assert why_nothing_fits(Needs(sex="F", family_size=3), fam) == ["no_free_place"]


def test_contradictory_constraints_say_which_constraint_empties_the_set():
    tbl = table(facility(1, km=100), facility(2, km=200, security_level=1), facility(3, km=800))
    assert why_nothing_fits(Needs(sex="F", zones=(ZONE,), security_level=3), tbl) == [
        "contradictory",
        "security_level",
    ]
    assert why_nothing_fits(Needs(sex="F", zones=(ZONE,), min_distance_km=1000), tbl) == [
        "contradictory",
        "all_within_danger_distance",
    ]
    assert why_nothing_fits(Needs(sex="F", pets=True), tbl) == [
        "contradictory",
        "no_facility_for_profile",
    ]
    assert why_nothing_fits(Needs(sex="F", family_size=2), tbl) == [
        "contradictory",
        "family_size",
    ]


def test_contradiction_by_combination_names_the_constraints_to_relax():
    # the only secure facility is too close; the only far one is not secure
    tbl = table(facility(1, km=100, security_level=2), facility(2, km=800))
    needs = Needs(sex="F", zones=(ZONE,), security_level=2)
    assert rank(needs, tbl) == []
    assert why_nothing_fits(needs, tbl) == [
        "contradictory",
        "combination",
        "all_within_danger_distance",
        "security_level",
    ]


def test_empty_network_is_contradictory():
    assert why_nothing_fits(Needs(sex="F"), table()) == ["contradictory", "no_facility_in_network"]
    assert rank(Needs(sex="F"), table()) == []
