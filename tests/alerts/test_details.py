"""What "my alerts" says of one alert under its rule's title (``Rule.detail``): the count, the
delay or the kind of service of its non-identifying ``params``, in French and in English."""

import pytest
from django.utils import translation

from parcours.alerts import rules
from parcours.alerts.rules import Alert

# The params each rule puts on its alerts (see each rule's ``find``).
PARAMS = {
    "repeated_refusals": {"count": 3, "days": 7, "service_kind": "emergency_housing_115"},
    "referral_unanswered": {"service_kind": "emergency_housing_115"},
    "no_contact": {"days": 22},
    "card_expiring": {"days": 12},
    "reflection_ending": {"days": 4},
    "turning_18": {"days": 150},
    "task_overdue": {"days": 2},
    "danger_without_shelter": {"hours": 24},
    "no_safety_assessment": {"hours": 48},
    "danger_zone_attempt": {"count": 2},
    "refusal_contrary": {"right": "housing_115", "article": "L345-2-2 CASF"},
    "blocked_pathway": {"kinds": ["health_insurance", "emergency_housing_115"]},
}


def _said(code, params, language):
    with translation.override(language):
        return rules.detail_of(Alert(code, 1, "", None, params))


def test_every_rule_says_more_than_its_title_in_both_languages():
    assert set(PARAMS) == set(rules.rules())
    for code, params in PARAMS.items():
        english, french = _said(code, params, "en"), _said(code, params, "fr")
        assert english and french and english != french, code


@pytest.mark.parametrize(
    ("code", "params", "english", "french"),
    [
        ("repeated_refusals", PARAMS["repeated_refusals"],
         "Emergency housing (115): 3 refusals in 7 days",
         "Hébergement d’urgence (115) : 3 refus en 7 jours"),
        ("referral_unanswered", PARAMS["referral_unanswered"],
         "No answer from: Emergency housing (115)", "Sans réponse : Hébergement d’urgence (115)"),
        ("card_expiring", {"days": 1}, "Expires in 1 day", "Expire dans 1 jour"),
        ("card_expiring", {"days": 0}, "Expires today", "Expire aujourd’hui"),
        ("card_expiring", {"days": -3}, "Expired 3 days ago", "Expiré depuis 3 jours"),
        ("reflection_ending", {"days": 0}, "Ends today", "Se termine aujourd’hui"),
        ("task_overdue", {"days": 1}, "1 day late", "1 jour de retard"),
        ("blocked_pathway", {"kinds": ["health_insurance", "emergency_housing_115"], "why": "x"},
         "Requests waiting in a chain: ", "Demandes en attente les unes des autres, en chaîne : "),
    ],
)  # fmt: skip
def test_the_detail_reads_well_at_its_edges(code, params, english, french):
    assert _said(code, params, "en").startswith(english)
    assert _said(code, params, "fr").startswith(french)


def test_an_unknown_kind_of_service_is_named_by_its_code_and_an_unknown_rule_says_nothing():
    params = {**PARAMS["repeated_refusals"], "service_kind": "retired_kind"}
    assert _said("repeated_refusals", params, "en").startswith("retired_kind:")
    assert _said("rule_since_removed", {}, "en") == ""
