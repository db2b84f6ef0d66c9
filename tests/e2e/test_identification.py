"""Identification in a real browser (issue 13, "Done when"): S2 step 5 — the gendarmerie
records the identification, the case shows the reflection period's end, and five days before it
the referent is alerted; S3 — the girl of 16 is routed to child protection, the referral form
starts on child-protection law (not consent), and the case says when to prepare her 18th
birthday. In French and in English."""

import datetime

import pytest
from django.utils import timezone

from parcours.cases.models import Case
from parcours.identification import reflection
from parcours.referrals.models import Referral

pytestmark = pytest.mark.e2e

WORDS = {
    "fr": {"days_left": "4 jours restants", "period": "Délai de réflexion"},
    "en": {"days_left": "4 days left", "period": "Reflection period"},
}


def _language(browser_page, language):
    browser_page.page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": browser_page.base_url}]
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_s2_identification_opens_the_reflection_period_and_alerts_before_its_end(
    signed_in, demo, language
):
    from parcours.demo.data import _token

    case = Case.objects.get(intake_token=_token("S2"))
    gendarme = signed_in("julien.gend06")
    _language(gendarme, language)
    gendarme.goto(f"/dossiers/{case.ref}/?ouvrir=identification#identification")
    form = gendarme.page.get_by_test_id("stage-form")
    form.locator("select[name=code]").select_option("identified")
    identified_on = timezone.localdate() - datetime.timedelta(days=26)
    form.locator("input[name=on]").fill(identified_on.isoformat())
    gendarme.submit(form)
    period = gendarme.page.get_by_test_id("reflection-period")
    ends = identified_on + datetime.timedelta(days=30)
    text = period.text_content()
    assert WORDS[language]["period"] in text and WORDS[language]["days_left"] in text
    assert ends.strftime("%d/%m/%Y") in text
    # The worker's round, five days before the end: the referent is told.
    assert reflection.alert_ending(timezone.now()) == 1
    association = signed_in("lea.asso06")
    _language(association, language)
    association.goto("/notifications/")
    assert case.ref in association.page.locator("main").text_content()
    gendarme.assert_no_console_errors()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_s3_a_minor_is_routed_to_child_protection_under_its_law(signed_in, demo, language):
    from parcours.demo.data import _token

    case = Case.objects.get(intake_token=_token("S3"))
    outreach = signed_in("lucas.asso75")
    _language(outreach, language)
    outreach.goto(f"/dossiers/{case.ref}/")
    route = outreach.page.get_by_test_id("minor-route")
    assert "L226-2-2" in route.text_content()
    assert outreach.page.get_by_test_id("turning-18").count() == 1
    with outreach.page.expect_navigation():
        route.get_by_test_id("route-prosecutor_minors").click()
    page = outreach.page
    assert page.locator("input[name=basis][value=legal]").is_checked()
    assert page.locator("select[name=legal_basis]").input_value() == "casf_l226_2_2"
    page.locator("label[for=id_service_0]").click()
    page.locator("textarea[name=purpose]").fill("Signalement d'une mineure en danger.")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()
    referral = Referral.objects.filter(case=case, service__kind="prosecutor_minors").get()
    assert (referral.basis, referral.legal_basis) == ("legal", "casf_l226_2_2")
    outreach.assert_no_console_errors()
