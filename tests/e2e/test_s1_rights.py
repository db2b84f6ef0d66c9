"""Scenario S1, steps 2-4, on the rights part of the case page, in a real browser, in French and
in English (issue 12, "Done when"): the refusal "not in an insertion pathway" first asks whether
he was in child-welfare care before 18, then is flagged against CASF L222-5 5°; the letter is
written and its PDF holds the article; the 115's repeated refusals offer the prefecture letter;
the circle hostel -> contract -> cover -> address -> hostel is found and domiciliation proposed."""

import pytest

from parcours.cases.models import Case
from parcours.rights.models import Letter
from tests.conferences.test_minutes import rendered_text

pytestmark = pytest.mark.e2e

WORDS = {
    "fr": {"yes": "Oui", "refer": "Orienter vers", "times": "4 fois"},
    "en": {"yes": "Yes", "refer": "Refer to", "times": "4 times"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_s1_rights_refusal_letters_and_the_circle(signed_in, demo, language):
    from parcours.demo.data import _token

    case = Case.objects.get(intake_token=_token("S1"))
    association = signed_in("camille.asso33")
    if language == "en":
        association.page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": association.base_url}]
        )
    words = WORDS[language]
    association.goto(f"/dossiers/{case.ref}/?ouvrir=rights#rights")
    page = association.page
    # Step 2: the question first, then the finding.
    ask = page.get_by_test_id("finding-ask")
    question = ask.get_by_test_id("question-in_child_welfare_before_18")
    with page.expect_navigation():
        question.get_by_role("button", name=words["yes"]).click()
    contrary = page.get_by_test_id("finding-contrary")
    assert "L222-5" in contrary.text_content()
    # The letter to child welfare: written, downloadable, the article in its text.
    association.submit(page.get_by_test_id("letter-offer-refusal"))
    letter = Letter.objects.get(case=case, kind="refusal")
    pdf = page.request.get(association.url(f"/dossiers/{case.ref}/courriers/{letter.pk}/pdf/"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    assert "L222-5, 5°" in rendered_text(letter.body)
    # Step 3: the 115 refused four times: the prefecture letter is offered.
    association.goto(f"/dossiers/{case.ref}/?ouvrir=rights#rights")
    assert words["times"] in page.get_by_test_id("letter-offer-prefecture").text_content()
    # Step 4: the circle, and domiciliation as the way out, one click away.
    blocked = page.get_by_test_id("blocked-pathway")
    assert blocked.count() == 1
    drawing = blocked.get_by_test_id("pathway-diagram")
    box = drawing.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 150  # drawn, and big enough to read
    offer = blocked.get_by_test_id("way-out-offer").first
    assert words["refer"] in offer.text_content()
    with page.expect_navigation():
        offer.get_by_role("link").click()
    assert "kind=domiciliation" in page.url
    assert page.locator("select[name=right]").input_value() == "domiciliation"
    association.assert_no_console_errors()
