"""Refusals checked against the law (issue 12, item 3, service level). S1 step 2: the young
adult's support is refused as "not in an insertion pathway": flagged only when he was in
child-welfare care before 18, the question asked first when that is not known. A second set,
with nothing of S1's wording, gets its verdict from the catalogue and the facts alone."""

import pytest
from django.utils import translation

from parcours.cases import services as cases
from parcours.rights import services
from parcours.rights.review import ASK, CONTRARY
from tests.rights.builders import refuse, young_man

_refused = refuse


@pytest.fixture
def young(referent):
    """A young man of 19, without resources (fictional)."""
    return young_man(referent)


def test_not_in_an_insertion_pathway_asks_first_when_care_before_18_is_unknown(referent, young):
    referral = _refused(referent, young, "not_in_insertion_pathway", young_adult=True)
    with translation.override("en"):
        (finding,) = services.review_case(young)[1]
    assert finding.kind == ASK and finding.referral_ref == referral.ref
    assert [q.name for q in finding.questions] == ["in_child_welfare_before_18"]
    assert "L222-5" in finding.article


def test_it_is_flagged_when_he_was_in_child_welfare_care_before_18(referent, young):
    _refused(referent, young, "not_in_insertion_pathway", young_adult=True)
    services.record_fact(referent.actor, young, "in_child_welfare_before_18", True)
    with translation.override("en"):
        (finding,) = services.review_case(young)[1]
    assert finding.kind == CONTRARY
    assert finding.article == "Code de l'action sociale et des familles L222-5, 5°"
    assert len(finding.lines) == 2 and "Not in an insertion pathway" in finding.lines[0]


def test_it_is_not_flagged_when_he_was_not(referent, young):
    _refused(referent, young, "not_in_insertion_pathway", young_adult=True)
    services.record_fact(referent.actor, young, "in_child_welfare_before_18", False)
    assert services.review_case(young)[1] == []


def test_an_incomplete_file_is_a_refusal_the_law_allows(referent, young):
    _refused(referent, young, "incomplete_file", young_adult=True)
    services.record_fact(referent.actor, young, "in_child_welfare_before_18", True)
    assert services.review_case(young)[1] == []


def test_another_case_other_words_same_rule(referent):
    """A young woman of 20 in another town, who can count on no family though she earns a
    little, refused as "admission criteria not met": the verdict follows the facts."""
    from django.utils import timezone

    year = timezone.localdate().year - 20
    case = cases.open_case(
        referent.actor,
        {
            "family_name": "Exemple",
            "given_names": "Nour",
            "birth_date": {"year": year, "month": 6, "day": 1, "approximate": False},
        },
    )
    for name, value in [
        ("has_resources", True),
        ("has_family_support", False),
        ("in_child_welfare_before_18", True),
    ]:
        services.record_fact(referent.actor, case, name, value)
    _refused(referent, case, "criteria_not_met", young_adult=True)
    (finding,) = services.review_case(case)[1]
    assert finding.kind == CONTRARY and finding.right_id == "young_adult_support_mandatory"
    # at 22 the right has lapsed: no finding
    case.person.birth_date = {"year": year - 2, "month": 6, "day": 1, "approximate": False}
    case.person.save()
    assert services.review_case(case)[1] == []
