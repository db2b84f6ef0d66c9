"""Scenario S1, step 3, in real browsers: the 115 is asked again and again without a place; at
the third refusal in seven days an alert escalates to the territorial coordinator of Gironde,
who sees it on her dashboard ("my alerts"). Before the third, she sees nothing of the case.

The association's caseworker and the SIAO's sign in with their own accounts; the coordinator
(sophie.coord33, who also manages the association) with her security key, acting for the
Gironde coordination. The worker's round runs between the steps, as ``parcours worker`` would.
"""

import pytest

from parcours.alerts.worker import run_round
from parcours.referrals.models import Service
from tests.e2e.test_s1_pathway import (
    REFERENT,
    open_case,
    record_consent,
    refuse_newest,
    send_referral,
)

pytestmark = pytest.mark.e2e

COORDINATION = "Coordination territoriale TEH Gironde (démo)"


def coordinator_page(signed_in, demo):
    page = signed_in("sophie.coord33")  # acting for the association first
    page.add_virtual_authenticator()
    page.goto("/dossiers/")
    select = page.page.locator("#membership-select").first
    option = select.locator("option", has_text=COORDINATION)
    select.select_option(value=option.get_attribute("value"))
    with page.page.expect_navigation():
        page.page.locator("form[action$='/organisation/'] button[type=submit]").first.click()
    page.goto("/dossiers/")
    if "/compte/reauthenticate/" in page.page.url:  # a coordinator's role asks for a key
        page.page.locator("main form input[name=password]").fill(demo.DEMO_PASSWORD)
        with page.page.expect_navigation():
            page.page.locator("main form button[type=submit]").first.click()
    if "/compte/2fa/webauthn/add/" in page.page.url:
        page.page.locator("main form input[name=name]").fill("Clé de test")
        with page.page.expect_navigation():
            page.page.locator("#mfa_webauthn_add").click()
    page.goto("/dossiers/")
    assert "/dossiers/" in page.page.url, page.page.url
    assert COORDINATION in page.page.locator("#membership-select option:checked").first.inner_text()
    return page


def alerts_text(page) -> str:
    page.goto("/alertes/")
    return page.page.locator("main").inner_text()


def test_the_third_115_refusal_in_seven_days_reaches_the_territorial_coordinator(signed_in, demo):
    call_115 = Service.objects.get(
        organisation__name="SIAO 115 de Gironde (démo)", kind="emergency_housing_115"
    )
    association = signed_in(REFERENT)
    ref = open_case(association)
    record_consent(association, ref, call_115.organisation, "Mise à l'abri")
    siao = signed_in("yanis.siao33")
    coordinator = coordinator_page(signed_in, demo)
    for _attempt in range(2):
        send_referral(association, ref, call_115, "Mise à l'abri.", urgency="immediate")
        refuse_newest(siao, "no_place")
    run_round()
    assert ref not in alerts_text(coordinator)  # two refusals: the referent's business

    send_referral(association, ref, call_115, "Mise à l'abri.", urgency="immediate")
    refuse_newest(siao, "no_place")
    run_round()
    text = alerts_text(coordinator)
    assert ref in text
    row = coordinator.page.locator(f"tr:has(a:text-is('{ref}'))")
    assert "Le même type de service refuse encore et encore" in row.inner_text()
    assert "Hébergement d’urgence (115) : 3 refus en 7 jours" in row.inner_text()
    assert "Remontée à la coordination territoriale" in row.text_content()
    # the referent sees it too, on her own dashboard
    assert ref in alerts_text(association)
    for page in (association, siao, coordinator):
        page.assert_no_console_errors()
