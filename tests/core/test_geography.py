"""Départements data: regions, prefecture points and great-circle distances (no database)."""

import csv
import re
from statistics import mean

import numpy as np
import pytest

from parcours.core import geography
from parcours.core.geography import (
    DATA,
    departement_choices,
    departement_name,
    departement_point,
    departements,
    great_circle_km,
    great_circle_km_many,
    is_overseas,
    region_code_of,
    region_of,
)

METROPOLITAN = [f"{n:02d}" for n in range(1, 20)] + ["2A", "2B"] + [f"{n}" for n in range(21, 96)]
OVERSEAS = ["971", "972", "973", "974", "976"]
ALL_CODES = METROPOLITAN + OVERSEAS

REGIONS = {
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
}
# Number of départements per region since 2016.
REGION_SIZES = {
    "11": 8,
    "24": 6,
    "27": 8,
    "28": 5,
    "32": 5,
    "44": 10,
    "52": 5,
    "53": 4,
    "75": 12,
    "76": 13,
    "84": 12,
    "93": 6,
    "94": 2,
    "01": 1,
    "02": 1,
    "03": 1,
    "04": 1,
    "06": 1,
}
# (lat_min, lat_max, lon_min, lon_max)
METROPOLITAN_BOX = (41.3, 51.1, -5.2, 9.6)
OVERSEAS_BOXES = {
    "971": (15.8, 16.6, -61.9, -61.0),  # Guadeloupe
    "972": (14.3, 14.9, -61.3, -60.8),  # Martinique
    "973": (2.1, 5.8, -54.6, -51.6),  # Guyane
    "974": (-21.4, -20.8, 55.2, 55.9),  # La Réunion
    "976": (-13.1, -12.6, 44.9, 45.4),  # Mayotte
}


def distance(a: str, b: str) -> float:
    return great_circle_km(*departement_point(a), *departement_point(b))


def in_box(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    lat, lon = point
    lat_min, lat_max, lon_min, lon_max = box
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def test_file_has_the_101_departements_in_order_with_four_decimals():
    with DATA.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["code", "name", "region_code", "region", "lat", "lon"]
        rows = list(reader)
    assert [row["code"] for row in rows] == ALL_CODES
    for row in rows:
        assert row["name"].strip() and row["name"] == row["name"].strip()
        assert re.fullmatch(r"-?\d{1,2}\.\d{4}", row["lat"]), row
        assert re.fullmatch(r"-?\d{1,2}\.\d{4}", row["lon"]), row


def test_existing_helpers_unchanged():
    assert list(departements()) == ALL_CODES
    assert departements()["13"] == "Bouches-du-Rhône"
    assert departement_name("2A") == "Corse-du-Sud"
    assert departement_name("99") == "99"  # unknown codes fall back to the code
    assert departement_choices()[0] == ("01", "01 — Ain")
    assert len(departement_choices()) == 101


def test_data_is_read_once():
    assert geography.departement_rows() is geography.departement_rows()
    assert departements() is departements()


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_departement_has_a_region_and_a_point(code):
    assert REGIONS[region_code_of(code)] == region_of(code)
    lat, lon = departement_point(code)
    assert isinstance(lat, float) and isinstance(lon, float)


def test_eighteen_regions_with_their_departement_counts():
    codes = {region_code_of(code) for code in ALL_CODES}
    assert len(codes) == 18
    assert len({region_code_of(code) for code in METROPOLITAN}) == 13
    assert len({region_code_of(code) for code in OVERSEAS}) == 5
    sizes = {rc: sum(region_code_of(code) == rc for code in ALL_CODES) for rc in codes}
    assert sizes == REGION_SIZES


def test_some_known_regions():
    assert region_of("33") == "Nouvelle-Aquitaine" and region_code_of("33") == "75"
    assert region_of("13") == "Provence-Alpes-Côte d'Azur"
    assert region_of("93") == "Île-de-France"
    assert region_of("2B") == "Corse"
    assert region_code_of("971") == "01" and region_code_of("976") == "06"


def test_overseas():
    assert [code for code in ALL_CODES if is_overseas(code)] == OVERSEAS


@pytest.mark.parametrize(
    "lookup", [departement_point, region_of, region_code_of, is_overseas], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("code", ["20", "975", "", "1", "2a"])
def test_unknown_code_raises_value_error(lookup, code):
    with pytest.raises(ValueError, match="unknown département code"):
        lookup(code)


@pytest.mark.parametrize("code", METROPOLITAN)
def test_metropolitan_points_lie_in_metropolitan_france(code):
    assert in_box(departement_point(code), METROPOLITAN_BOX), departement_point(code)


@pytest.mark.parametrize("code", OVERSEAS)
def test_overseas_points_lie_in_their_own_territory(code):
    assert in_box(departement_point(code), OVERSEAS_BOXES[code]), departement_point(code)


@pytest.mark.parametrize(
    ("a", "b", "expected", "tolerance"),
    [
        ("75", "13", 660, 10),  # Paris – Marseille
        ("33", "69", 435, 10),  # Bordeaux – Lyon
        ("06", "35", 847, 20),  # Nice – Rennes
        ("67", "29", 880, 25),  # Strasbourg – Quimper
        ("59", "66", 885, 20),  # Lille – Perpignan
        ("2A", "2B", 104, 10),  # Ajaccio – Bastia
    ],
)
def test_known_distances(a, b, expected, tolerance):
    assert abs(distance(a, b) - expected) <= tolerance
    assert distance(a, b) == pytest.approx(distance(b, a))


@pytest.mark.parametrize(("a", "b"), [("33", "47"), ("06", "83"), ("75", "92"), ("69", "42")])
def test_neighbours_are_close(a, b):
    assert distance(a, b) < 200


@pytest.mark.parametrize("code", [c for c in METROPOLITAN if c not in ("2A", "2B")])
def test_every_mainland_prefecture_has_another_within_120_km(code):
    assert min(distance(code, other) for other in METROPOLITAN if other != code) < 120


@pytest.mark.parametrize("code", METROPOLITAN)
def test_nearer_own_region_than_other_regions_on_average(code):
    """Cheap sanity check: a swapped lat/lon or a wrong region stands out."""
    own = [distance(code, o) for o in METROPOLITAN if o != code and region_of(o) == region_of(code)]
    others = [distance(code, o) for o in METROPOLITAN if region_of(o) != region_of(code)]
    assert mean(own) < mean(others)


def test_great_circle_basics():
    assert great_circle_km(48.8566, 2.3522, 48.8566, 2.3522) == 0
    # A quarter of a meridian is about 10 008 km.
    assert great_circle_km(0, 0, 90, 0) == pytest.approx(10007.5, abs=1)
    # Antipodes do not blow up.
    assert great_circle_km(0, 0, 0, 180) == pytest.approx(20015.1, abs=1)


def test_great_circle_functions_agree():
    lat, lon = departement_point("75")
    points = [departement_point(code) for code in ALL_CODES]
    lats = np.array([p[0] for p in points])
    lons = np.array([p[1] for p in points])
    many = great_circle_km_many(lat, lon, lats, lons)
    assert many.shape == (len(ALL_CODES),)
    one_by_one = [great_circle_km(lat, lon, p[0], p[1]) for p in points]
    assert np.allclose(many, one_by_one, rtol=1e-12, atol=1e-9)
