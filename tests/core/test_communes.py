"""The shipped commune list (``core/data/communes.csv``) and its lookup (``core.communes``): a
place typed by hand is a commune or a postcode, and the commune's position decides where it is."""

import csv
import re

import pytest

from parcours.core import communes, geography

with communes.DATA.open(encoding="utf-8") as _handle:
    ROWS = list(csv.DictReader(_handle))

# Communes whose position is allowed to lie further than ``BORDER_MARGIN_KM`` from their own
# département's shape (README, "communes.csv"): none when the file was built.
KNOWN_EXCEPTIONS: set[str] = set()


# --- the file ---------------------------------------------------------------------------------


def test_the_file_has_the_documented_columns_and_stays_small():
    with communes.DATA.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["code", "name", "departement", "postcodes", "lat", "lon", "population"]
    assert communes.DATA.stat().st_size < 2_000_000
    assert len(ROWS) > 14_000


def test_every_row_is_well_formed():
    departements = geography.departements()
    codes = set()
    for row in ROWS:
        assert re.fullmatch(r"(\d{2}|2[AB])\d{3}", row["code"]), row
        assert row["code"] not in codes, row
        codes.add(row["code"])
        assert row["departement"] in departements, row
        assert row["code"].startswith(row["departement"]), row
        for postcode in row["postcodes"].split():
            assert re.fullmatch(r"\d{5}", postcode), row
        assert re.fullmatch(r"-?\d{1,3}\.\d{4}", row["lat"]), row
        assert re.fullmatch(r"-?\d{1,3}\.\d{4}", row["lon"]), row
        assert int(row["population"]) >= 0


def test_each_commune_lies_in_its_own_departement():
    """A swapped latitude and longitude, a place of another commune or département: caught."""
    far = []
    for row in ROWS:
        lat, lon = float(row["lat"]), float(row["lon"])
        if row["departement"] not in geography.departements_near(lat, lon):
            far.append(row["code"])
    assert set(far) <= KNOWN_EXCEPTIONS, far[:20]


def test_the_file_covers_most_of_the_population():
    """The figures of the README: the communes shipped hold more than 90 % of the people."""
    shipped = sum(int(row["population"]) for row in ROWS if not _arrondissement(row))
    assert shipped > 0.9 * 68_350_798


def _arrondissement(row) -> bool:
    return "Arrondissement" in row["name"]


# --- find ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["Saint-Étienne", "saint etienne", "ST ETIENNE", "St-Étienne", "Saint Étienne", "st-etienne"],
)
def test_a_name_is_found_whatever_the_case_accents_hyphens_and_saint(typed):
    assert communes.find(typed)[0].code == "42218"


def test_apostrophes_and_spaces_do_not_matter():
    for typed in ("L'Haÿ-les-Roses", "l’hay les roses", "LHAY-LES-ROSES"):
        assert communes.find(typed)[0].code == "94038", typed


def test_exact_names_come_before_the_names_they_begin():
    found = communes.find("Saint-Denis")
    labels = [c.label for c in found]
    assert labels[:2] == ["Saint-Denis (974)", "Saint-Denis (93)"]  # the most populous first
    assert all(c.name.startswith("Saint-Denis") for c in found)
    assert "Saint-Denis-de-Pile (33)" in labels[2:]


def test_a_postcode_gives_the_communes_that_carry_it():
    assert [c.name for c in communes.find("06130")] == ["Grasse"]
    shared = communes.find("35000")
    assert [c.name for c in shared] == ["Rennes"]


def test_lyon_and_marseille_postcodes_lead_to_their_arrondissement():
    assert [c.name for c in communes.find("69003")] == ["Lyon 3e Arrondissement"]
    assert [c.name for c in communes.find("13001")] == ["Marseille 1er Arrondissement"]
    assert [c.name for c in communes.find("75011")] == ["Paris"]  # Paris's have no position


def test_nothing_typed_finds_nothing():
    assert communes.find("") == [] and communes.find("  - ' ") == []


def test_the_file_is_read_once():
    communes.find("Rennes")
    before = communes._index.cache_info().misses
    communes.find("Brest")
    communes.resolve("29200")
    assert communes._index.cache_info().misses == before


# --- resolve ----------------------------------------------------------------------------------


def test_one_commune_is_resolved_to_its_point_and_departement():
    grasse = communes.resolve("Grasse")
    assert (grasse.code, grasse.departement, grasse.label) == ("06069", "06", "Grasse (06)")
    assert geography.departement_at(grasse.lat, grasse.lon) == "06"
    assert geography.great_circle_km(grasse.lat, grasse.lon, 43.6589, 6.9237) < 3


def test_a_name_shared_by_several_communes_lists_them_to_pick():
    with pytest.raises(communes.SeveralCommunes) as several:
        communes.resolve("Saint-Denis")
    assert "Saint-Denis (93)" in several.value.message
    assert "Saint-Denis (974)" in several.value.message
    assert {c.departement for c in several.value.choices} == {"93", "974"}


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Saint-Denis (93)", "93066"),
        ("saint denis (974)", "97411"),
        ("St Denis(974)", "97411"),
        ("Saint-Denis (93200)", "93066"),
        ("93200 Saint-Denis", "93066"),
        ("Saint-Denis 97400", "97411"),
        ("Ajaccio (2a)", "2A004"),
    ],
)
def test_a_departement_or_postcode_beside_the_name_picks_one(typed, code):
    assert communes.resolve(typed).code == code


def test_the_label_of_a_choice_resolves_back_to_it():
    with pytest.raises(communes.SeveralCommunes) as several:
        communes.resolve("Saint-Denis")
    for choice in several.value.choices:
        assert communes.resolve(choice.label) == choice


def test_a_unique_beginning_resolves_and_an_exact_name_wins_over_longer_ones():
    assert communes.resolve("Lyon 3").name == "Lyon 3e Arrondissement"
    assert communes.resolve("Lyon").code == "69123"  # not one of its arrondissements
    assert communes.resolve("Bourg en Bresse").code == "01053"


def test_a_beginning_shared_by_many_lists_a_few_and_counts_the_others():
    with pytest.raises(communes.SeveralCommunes) as several:
        communes.resolve("Saint")
    message = several.value.message
    assert message.count("(") == communes.SHOWN
    others = len(several.value.choices) - communes.SHOWN
    assert others > 1000 and f" {others} " in message


def test_unknown_names_and_postcodes_say_so():
    with pytest.raises(communes.CommuneNotFound) as unknown:
        communes.resolve("Nulle-Part-sur-Mer")
    assert "Nulle-Part-sur-Mer" in unknown.value.message
    with pytest.raises(communes.CommuneNotFound) as no_postcode:
        communes.resolve("99999")
    assert "99999" in no_postcode.value.message
    with pytest.raises(communes.CommuneNotFound):
        communes.resolve("   ")
    with pytest.raises(communes.CommuneNotFound):
        communes.resolve("Grasse (83)")  # Grasse is not in the Var


def test_the_messages_are_in_the_readers_language():
    from django.utils import translation

    with translation.override("fr"), pytest.raises(communes.SeveralCommunes) as several:
        communes.resolve("Saint-Denis")
    assert "peut désigner" in several.value.message
    with translation.override("en"), pytest.raises(communes.CommuneNotFound) as unknown:
        communes.resolve("99999")
    assert "No commune" in unknown.value.message
