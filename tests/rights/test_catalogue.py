"""The rights catalogue is data, checked at start (issue 12, item 1 and "Bad input"): every
right of the issue's list is there with its source; a wrong file stops the start naming the
entry and the line; adding a right or a way out is a change of data only."""

import pytest

from parcours.rights.catalogue import PATH, CatalogueError, catalogue, parse
from parcours.rights.evaluation import ELIGIBLE, evaluate
from parcours.rights.facts import Facts

# The list (item 1), by the id each has in the catalogue.
REQUIRED = [
    "reflection_period",
    "victim_residence_card",
    "victim_card_renewal",
    "receipt_during_procedure",
    "resident_card_after_conviction",
    "ada_allowance",
    "puma_health_cover",
    "ame_health_cover",
    "pass_health_access",
    "domiciliation",
    "emergency_shelter",
    "secure_shelter",
    "acse_placement",
    "young_adult_support_mandatory",
    "young_adult_support_discretionary",
    "child_protection",
    "legal_aid",
    "file_complaint",
    "youth_employment_contract",
]


def test_the_catalogue_holds_every_right_of_the_list_with_its_source():
    rights = catalogue().rights
    assert set(REQUIRED) <= set(rights)
    for right in rights.values():
        basis = right.legal_basis
        assert basis.article and basis.code and basis.source.startswith("http"), right.id
        assert basis.summary.fr and basis.summary.en, right.id
        assert right.name.fr and right.name.en, right.id


def test_articles_the_domain_file_marks_unverified_are_marked_so():
    rights = catalogue().rights
    for right_id in ("ada_allowance", "acse_placement", "child_protection", "reflection_period"):
        assert rights[right_id].legal_basis.verified is False, right_id
    for right_id in ("victim_residence_card", "domiciliation", "young_adult_support_mandatory"):
        assert rights[right_id].legal_basis.verified is True, right_id


def _text():
    return PATH.read_text(encoding="utf-8")


def _line_of(text, needle):
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_an_unknown_condition_stops_the_start_naming_the_entry_and_line():
    text = _text().replace(
        "conditions: [not_eu_national, identified]", "conditions: [not_eu_national, was_born_lucky]"
    )
    with pytest.raises(CatalogueError) as error:
        parse(text)
    message = str(error.value)
    assert "'reflection_period'" in message and "was_born_lucky" in message
    assert f"line {_line_of(text, '- id: reflection_period')}" in message


def test_a_missing_legal_basis_is_refused():
    text = _text().replace("      article: L264-1 et suivants\n", "")
    with pytest.raises(CatalogueError, match="'domiciliation'.*legal basis needs.*article"):
        parse(text)


def test_a_malformed_condition_is_refused():
    text = _text().replace(
        "      - any: [lacks_resources, lacks_family_support]", "      - maybe: 3"
    )
    with pytest.raises(CatalogueError, match="young_adult_support_mandatory.*malformed condition"):
        parse(text)


def test_a_cycle_among_the_catalogues_prerequisites_is_refused():
    text = _text().replace(
        "    service_kind: domiciliation\n",
        "    service_kind: domiciliation\n    prerequisites: [victim_card_renewal]\n",
    )
    text = text.replace(
        "    prerequisites: [victim_residence_card]\n    time_limits:",
        "    prerequisites: [victim_residence_card, domiciliation]\n    time_limits:",
    )
    text = text.replace(
        "  - id: victim_residence_card\n",
        "  - id: victim_residence_card\n    prerequisites: [domiciliation]\n",
    )
    with pytest.raises(CatalogueError, match="cycle"):
        parse(text)


def test_an_unknown_fact_in_a_time_limit_or_way_out_is_refused():
    with pytest.raises(CatalogueError, match="unknown date fact 'arrived_on'"):
        parse(_text().replace("from: identified_on", "from: arrived_on"))
    with pytest.raises(CatalogueError, match="a way out for 'has_a_flat'"):
        parse(_text().replace("- missing: has_address", "- missing: has_a_flat", 1))


def test_a_right_without_both_languages_is_refused():
    text = _text().replace("      en: 30-day reflection period\n", "")
    with pytest.raises(CatalogueError, match="reflection_period.*French and an English"):
        parse(text)


EXTRA = """
  - id: transport_card
    name:
      fr: Carte de transport solidaire
      en: Solidarity transport card
    legal_basis:
      article: Délibération fictive 2026-1
      code: Règlement local (fictif, pour le test)
      summary:
        fr: Une carte de transport pour les personnes sans ressources.
        en: A transport card for people without resources.
      source: https://example.invalid/transport
      verified: false
    granted_by: [ccas]
    conditions: [adult, lacks_resources]
    prerequisites: [domiciliation]
    ways_out:
      - missing: domiciliation
        by: domiciliation
        note:
          fr: Sans adresse, la domiciliation d'abord.
          en: Without an address, domiciliation first.
"""


def test_adding_a_right_is_a_change_of_data_only():
    marker = "\n# What each requirement a service states"
    extended = parse(_text().replace(marker, EXTRA + marker))
    assert len(extended.rights) == len(catalogue().rights) + 1
    facts = Facts({"has_resources": False, "has_address": False, "age": 30})
    verdict = evaluate(extended, facts)["transport_card"]
    assert verdict.state == ELIGIBLE
    assert verdict.prerequisites_missing == ["domiciliation"]
    assert [way.by for way in verdict.ways_out] == ["domiciliation"]


def test_a_wrong_requirement_section_is_refused():
    with pytest.raises(CatalogueError, match="requirement 'address'.*unknown condition"):
        parse(_text().replace("    met_by: has_address\n", "    met_by: lives_somewhere\n"))
    with pytest.raises(CatalogueError, match="requirement 'a_castle'.*unknown requirement"):
        parse(_text().replace("  identity_document:\n", "  a_castle:\n"))
    with pytest.raises(CatalogueError, match="provided_by lists service kinds"):
        parse(_text().replace("provided_by: [insertion]", "provided_by: [a_friend]"))
