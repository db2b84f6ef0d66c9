"""The legal-qualification helper (issue 13, item 2; Code pénal art. 225-4-1): the act, the means
and the purpose, each with the indicators that support it; no means needed for a minor; a
recommendation with its reasons, which never decides. Pure functions: no database."""

import pytest
from django.utils import translation

from parcours.identification.indicators import catalogue
from parcours.identification.qualification import (
    NOT_INDICATED,
    PRESUMED_VICTIM,
    TO_EXAMINE,
    qualify,
)

ACT = "labour_recruited_by_intermediary"  # act
MEANS = "ilo_retention_of_documents"  # means: coercion (1°)
PURPOSE = "labour_unpaid"  # purpose: forced labour
FULL = {ACT: "observed", MEANS: "reported", PURPOSE: "observed"}


def _qualify(answers, minor=False, language="en"):
    with translation.override(language):
        return qualify(catalogue(), answers, minor=minor)


def test_every_element_supported_recommends_presumed_victim_with_the_indicators_as_reasons():
    found = _qualify(FULL)
    assert found.recommendation == PRESUMED_VICTIM
    assert found.recommendation_label == "presumed victim"
    assert [e.code for e in found.elements] == ["act", "means", "purpose"]
    assert all(e.supported and e.required for e in found.elements)
    act, means, purpose = found.reasons[:3]
    assert act.startswith("Act: supported by") and "intermediary who arranged the job" in act
    assert "threats, coercion, violence or deceit (1°)" in means
    assert "Identity papers or passport kept by someone else" in means
    assert "(reported by the person)" in means
    assert "slavery, forced labour or servitude" in purpose and "(observed)" in purpose


def test_it_never_decides_it_recommends():
    for answers in (FULL, {}, {ACT: "observed"}):
        reasons = " ".join(_qualify(answers).reasons)
        assert "This is a recommendation, not a decision" in reasons
        assert "police or gendarmerie" in reasons


def test_an_adult_without_means_is_to_examine_and_the_means_says_nothing_supports_it():
    found = _qualify({ACT: "observed", PURPOSE: "reported"})
    assert found.recommendation == TO_EXAMINE
    means = found.element("means")
    assert means.required and not means.supported
    assert means.reason == "Means: no indicator observed or reported."


def test_for_a_minor_the_means_is_not_required_and_the_helper_says_so():
    found = _qualify({ACT: "observed", PURPOSE: "reported"}, minor=True)
    assert found.recommendation == PRESUMED_VICTIM
    means = found.element("means")
    assert not means.required and not means.supported
    assert "not required, the person is under 18" in means.reason
    assert "for a minor, no means is needed" in means.reason
    assert means.reason in found.reasons


def test_for_a_minor_means_seen_are_still_listed():
    found = _qualify(FULL, minor=True)
    assert found.recommendation == PRESUMED_VICTIM
    reason = found.element("means").reason
    assert "not required" in reason and "Seen all the same" in reason
    assert "Identity papers or passport" in reason


def test_a_minor_without_act_or_purpose_is_not_presumed():
    assert _qualify({ACT: "observed"}, minor=True).recommendation == TO_EXAMINE
    assert _qualify({}, minor=True).recommendation == NOT_INDICATED


@pytest.mark.parametrize("answer", ["not_observed", "unknown"])
def test_not_observed_and_unknown_support_nothing(answer):
    found = _qualify(dict.fromkeys(FULL, answer))
    assert found.recommendation == NOT_INDICATED
    assert not any(e.supports for e in found.elements)
    assert found.reasons[0] == "Act: no indicator observed or reported."


def test_nothing_answered_is_not_indicated_and_says_how_much_is_unknown():
    found = _qualify({})
    assert found.recommendation == NOT_INDICATED
    assert found.unknown == len(catalogue().indicators)
    assert f"{found.unknown} indicators are unknown or not answered yet" in " ".join(found.reasons)


def test_forced_marriage_alone_is_not_a_listed_purpose_and_the_helper_says_so():
    answers = {
        "marriage_without_consent": "reported",
        "marriage_travel": "observed",  # act
        "marriage_family_pressure": "observed",  # means: authority, coercion
    }
    found = _qualify(answers)
    purpose = found.element("purpose")
    assert not purpose.supported and purpose.supports  # seen, but not a purpose of the article
    assert found.recommendation == TO_EXAMINE
    reasons = " ".join(found.reasons)
    assert "A forced or arranged marriage alone is not a purpose listed in art. 225-4-1" in reasons
    assert "Cour de cassation" in reasons
    assert purpose.reason == "Purpose: no indicator observed or reported."


def test_forced_marriage_with_servitude_in_it_supports_the_purpose():
    answers = {
        "marriage_without_consent": "reported",
        "marriage_travel": "observed",
        "marriage_family_pressure": "observed",
        "marriage_domestic_work": "reported",  # forced labour, servitude
    }
    found = _qualify(answers)
    assert found.recommendation == PRESUMED_VICTIM
    assert "Cour de cassation" not in " ".join(found.reasons)
    assert "slavery, forced labour or servitude" in found.element("purpose").reason


def test_reasons_are_in_the_readers_language():
    french = _qualify({ACT: "observed", PURPOSE: "reported"}, minor=True, language="fr")
    assert french.recommendation_label == "victime présumée"
    assert french.element("act").label == "Acte"
    reason = french.element("means").reason
    assert "non requis" in reason and "moins de 18 ans" in reason
    assert "Recrutement par un intermédiaire" in french.element("act").reason
    assert "Ceci est une recommandation" in " ".join(french.reasons)


def test_answers_to_indicators_of_another_file_are_ignored():
    found = _qualify({**FULL, "an_indicator_removed_since": "observed"})
    assert found.recommendation == PRESUMED_VICTIM
