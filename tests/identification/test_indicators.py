"""The indicator file is data, checked at start (issue 13, item 1): every category of the issue,
the eleven ILO indicators and the seventeen HTCDS methods of control, each with its source and
both languages; a wrong file stops the start naming the entry and the line; adding an indicator
is a change of data only."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from parcours.identification import indicators
from parcours.identification.indicators import (
    HTCDS_METHODS_OF_CONTROL,
    PATH,
    IndicatorError,
    catalogue,
    parse,
)
from parcours.identification.qualification import PRESUMED_VICTIM, TO_EXAMINE, qualify

CATEGORIES = [
    "general_ilo",
    "methods_of_control",
    "sexual",
    "labour",
    "domestic_servitude",
    "forced_begging",
    "forced_criminality",
    "forced_marriage",
    "organ_removal",
    "other",
]
ILO = "https://www.readkong.com/page/ilo-indicators-of-forced-labour-5101277"


def _text():
    return PATH.read_text(encoding="utf-8")


def _line_of(text, needle):
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_every_category_of_the_issue_is_there_in_both_languages_and_has_indicators():
    current = catalogue()
    assert list(current.categories) == CATEGORIES
    for category, items in current.grouped():
        assert category.title.fr and category.title.en and category.title.fr != category.title.en
        assert items, category.id
    assert [category.id for category, _items in current.grouped()] == CATEGORIES


def test_the_eleven_ilo_indicators_and_the_seventeen_methods_of_control():
    current = catalogue()
    ilo = [item for item in current if item.category == "general_ilo"]
    assert len(ilo) == 11 and {item.source for item in ilo} == {ILO}
    assert all(item.verified for item in ilo)
    control = [item for item in current if item.category == "methods_of_control"]
    assert sorted(item.htcds for item in control) == sorted(HTCDS_METHODS_OF_CONTROL)
    assert len(HTCDS_METHODS_OF_CONTROL) == 17
    assert {item.source for item in control} == {"https://github.com/UNMigration/HTCDS"}


def test_every_indicator_has_a_source_both_texts_and_a_legal_element():
    for item in catalogue():
        assert item.source.startswith("https://"), item.id
        assert item.text.fr and item.text.en and item.text.fr != item.text.en, item.id
        assert item.supports, item.id


def test_what_the_domain_file_does_not_state_is_marked_unverified():
    current = catalogue()
    unverified = {item.id for item in current.unverified()}
    # The indicators per form of exploitation are Parcours's (the MIPROF guide's content is not
    # quoted in DOMAIN.md): to check; the article's own elements are stated.
    assert {"sexual_arranged_by_others", "organ_unexplained_scar"} <= unverified
    assert "other_recruited_then_controlled" not in unverified
    assert "other_trauma_signs" not in unverified  # the MIPROF guide's trauma signs


def test_the_current_file_is_kept_as_its_version():
    """Each screening is read against the version it was answered with: raising the version
    means adding its copy."""
    current = catalogue()
    assert current.version in indicators.versions()
    kept = (indicators.VERSIONS / f"{current.version}.yaml").read_text(encoding="utf-8")
    assert kept == _text()
    assert set(indicators.version(current.version).indicators) == set(current.indicators)


def test_a_version_that_is_not_kept_is_an_error():
    with pytest.raises(IndicatorError, match="version 99"):
        indicators.version(99)


@pytest.mark.parametrize(
    ("old", "new", "entry", "needle", "message"),
    [
        (
            "    category: labour\n",
            "    category: fishing\n",
            "labour_recruited_by_intermediary",
            "- id: labour_recruited_by_intermediary",
            "unknown category 'fishing'",
        ),
        (
            "      fr: Salaire retenu, différé ou jamais versé\n",
            "",
            "ilo_withholding_of_wages",
            "- id: ilo_withholding_of_wages",
            "French and an English",
        ),
        (
            "      en: Wages withheld, delayed or never paid\n",
            "",
            "ilo_withholding_of_wages",
            "- id: ilo_withholding_of_wages",
            "French and an English",
        ),
        (
            "    supports: [purpose:organ_removal]\n",
            "    supports: [purpose:organ_trade]\n",
            "organ_pressed_to_sell",
            "- id: organ_pressed_to_sell",
            "unknown legal element 'purpose:organ_trade'",
        ),
        (
            "    supports: [means:payment]\n",
            "    supports: [means:bribery]\n",
            "marriage_payment",
            "- id: marriage_payment",
            "unknown legal element 'means:bribery'",
        ),
        (
            "    htcds: Threats\n",
            "    htcds: Blackmail\n",
            "htcds_threats",
            "- id: htcds_threats",
            "unknown HTCDS method",
        ),
    ],
)
def test_a_wrong_entry_stops_the_start_naming_the_entry_and_its_line(
    old, new, entry, needle, message
):
    text = _text()
    assert old in text
    changed = text.replace(old, new, 1)
    with pytest.raises(IndicatorError) as error:
        parse(changed)
    said = str(error.value)
    assert repr(entry) in said and message in said
    assert f"line {_line_of(changed, needle)}" in said


def test_a_missing_source_is_refused():
    block = "  - id: crime_quota\n"
    text = _text()
    start = text.index(block)
    source = text.index("    source: ", start)
    end = text.index("\n", source) + 1
    changed = text[:source] + text[end:]
    with pytest.raises(IndicatorError, match=r"'crime_quota' \(line \d+\): missing \['source'\]"):
        parse(changed)
    no_url = text[:source] + "    source: MIPROF guide\n" + text[end:]
    with pytest.raises(IndicatorError, match="'crime_quota'.*source is the URL"):
        parse(no_url)


def test_an_id_used_twice_is_refused_at_its_second_line():
    text = _text().replace("  - id: crime_quota\n", "  - id: crime_on_orders\n")
    with pytest.raises(IndicatorError) as error:
        parse(text)
    second = [n for n, line in enumerate(text.splitlines(), 1) if "- id: crime_on_orders" in line]
    assert "'crime_on_orders'" in str(error.value) and "used twice" in str(error.value)
    assert f"line {second[1]}" in str(error.value)


def test_a_wrong_file_stops_the_start(monkeypatch, tmp_path):
    broken = tmp_path / "indicators.yaml"
    broken.write_text(_text().replace("    category: labour\n", "    category: fishing\n", 1))
    monkeypatch.setattr(indicators, "PATH", broken)
    indicators.catalogue.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="fishing"):
            apps.get_app_config("identification").ready()
    finally:
        monkeypatch.undo()
        indicators.catalogue.cache_clear()
    assert catalogue().version == 1


EXTRA = """
  - id: labour_phone_confiscated_at_work
    category: labour
    text:
      fr: Téléphone confisqué pendant le travail (fictif, pour le test)
      en: Phone taken away during work (fictional, for the test)
    source: https://example.invalid/indicateur
    verified: false
    supports: [means:coercion]
"""


def test_adding_an_indicator_is_a_change_of_data_only():
    marker = "\n  # --- Domestic servitude"
    assert marker in _text()
    extended = parse(_text().replace(marker, EXTRA + marker))
    assert len(extended.indicators) == len(catalogue().indicators) + 1
    labour = dict((c.id, items) for c, items in extended.grouped())["labour"]
    assert labour[-1].id == "labour_phone_confiscated_at_work"
    answers = {"labour_recruited_by_intermediary": "observed", "labour_unpaid": "reported"}
    assert qualify(extended, answers, minor=False).recommendation == TO_EXAMINE
    answers["labour_phone_confiscated_at_work"] = "observed"
    found = qualify(extended, answers, minor=False)
    assert found.recommendation == PRESUMED_VICTIM
    assert [s.indicator_id for s in found.element("means").supports] == [
        "labour_phone_confiscated_at_work"
    ]
