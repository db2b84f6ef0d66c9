"""The case journey in a real browser (headless Chromium), on the fictional demo data.

- a caseworker signs in, opens a case through the intake form and finds it in "my cases";
- an outsider organisation gets a 404 on that case's URL and does not see it listed;
- no page logs a console error, and so no Content-Security-Policy violation;
- the screenshot of the case page used in the README (saved only with PARCOURS_SCREENSHOT=1):
  ``PARCOURS_SCREENSHOT=1 .venv/bin/pytest tests/e2e -k screenshot``.
"""

import os
import re
from pathlib import Path

import pytest

from parcours.cases.models import Case

pytestmark = pytest.mark.e2e

REFERENT = "camille.asso33"  # caseworker, Association Horizon Solidarité (Gironde)
OUTSIDER = "sarah.asso69"  # caseworker, Association Relais Confluence (Rhône): no part in S1
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "case-page.png"


def s1_case(demo):
    """Adam's case (scenario S1), held by camille's association."""
    return Case.objects.select_related("referent_org").get(intake_token=demo._token("S1"))


def listed_refs(browser_page) -> list[str]:
    """The case references in the "my cases" table (none when the page says there is none)."""
    page = browser_page.page
    page.locator("[data-testid=case-table], [data-testid=no-case]").first.wait_for()
    links = page.locator("[data-testid=case-table] tbody tr td:first-child a")
    return [text.strip() for text in links.all_inner_texts()]


@pytest.mark.e2e
def test_caseworker_opens_a_case_and_finds_it_in_my_cases(e2e_page, demo):
    e2e_page.sign_in(REFERENT, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
    page = e2e_page.page
    before = set(Case.objects.values_list("ref", flat=True))

    response = e2e_page.goto("/dossiers/nouveau/")
    assert response.status == 200
    form = page.locator("main form")
    form.locator("[name=family_name]").fill("Fictif")
    form.locator("[name=given_names]").fill("Testeur")
    form.locator("[name=birth_year]").fill("1999")
    form.locator("[name=nationalities]").fill("Pays imaginaire")
    form.locator("[name=first_contact]").fill("Test de bout en bout : personne fictive.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    # Landed on the new case's page.
    ref = page.get_by_test_id("case-ref").inner_text().strip()
    assert ref not in before
    assert re.fullmatch(r".*/dossiers/" + re.escape(ref) + r"/", page.url)
    assert "FICTIF" in page.get_by_test_id("person-name").inner_text()
    case = Case.objects.select_related("referent_org").get(ref=ref)
    assert case.referent_org.name == "Association Horizon Solidarité"

    # "My cases", through the main menu, lists it and links to it.
    with page.expect_navigation():
        page.locator(".fr-nav a[href='/dossiers/']").click()
    assert page.url.endswith("/dossiers/")
    refs = listed_refs(e2e_page)
    assert ref in refs
    assert s1_case(demo).ref in refs  # the demo case camille's association already held
    assert page.locator(f"[data-testid=case-table] a[href='/dossiers/{ref}/']").count() == 1

    e2e_page.assert_no_console_errors()


@pytest.mark.e2e
def test_outsider_gets_404_and_does_not_see_the_case(e2e_page, demo):
    held = Case.objects.filter(referent_org__name__startswith="Association Horizon").first()
    assert held is not None
    ref = held.ref
    e2e_page.sign_in(OUTSIDER, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
    page = e2e_page.page

    response = e2e_page.goto(f"/dossiers/{ref}/")
    assert response.status == 404
    assert page.get_by_test_id("case-ref").count() == 0
    body = page.locator("main").inner_text()
    assert "Keita" not in body and "Adam" not in body

    # Not in the outsider's list, nor found by searching for its reference.
    e2e_page.goto("/dossiers/")
    assert ref not in listed_refs(e2e_page)
    page.locator("main form input[name=q]").fill(ref)
    with page.expect_response(lambda r: r.request.method == "POST" and "/dossiers/" in r.url):
        page.locator("main form button[type=submit]").first.click()
    assert "q=" not in page.url  # the search never goes into the address bar
    assert ref not in listed_refs(e2e_page)
    assert page.get_by_test_id("no-case").count() == 1

    # The only console error allowed is the 404 of the case page itself.
    e2e_page.assert_no_console_errors(ignore_404_of=f"/dossiers/{ref}/")


@pytest.mark.e2e
def test_pages_load_without_console_errors_or_csp_violations(e2e_page, demo):
    case = s1_case(demo)
    response = e2e_page.goto("/compte/login/")
    assert response.status == 200
    e2e_page.sign_in(REFERENT, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
    for path in [
        "/dossiers/",
        "/dossiers/nouveau/",
        f"/dossiers/{case.ref}/",
        f"/dossiers/{case.ref}/participants/",
        f"/personnes/{case.person.ref}/",
        "/annuaire/",
    ]:
        response = e2e_page.goto(path)
        assert response.status == 200, path
        assert response.headers.get("content-security-policy"), path
        e2e_page.page.wait_for_load_state("load")
    e2e_page.assert_no_console_errors()


@pytest.mark.e2e
def test_case_page_screenshot(e2e_page, demo, tmp_path):
    """The README's picture of the case page (S1, as camille): 1280 px wide, full page.

    Always taken (so the page is exercised); written to docs/img/ only with
    PARCOURS_SCREENSHOT=1."""
    case = s1_case(demo)
    e2e_page.sign_in(REFERENT, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
    response = e2e_page.goto(f"/dossiers/{case.ref}/")
    assert response.status == 200
    page = e2e_page.page
    assert page.get_by_test_id("case-ref").inner_text().strip() == case.ref
    page.wait_for_load_state("networkidle")
    target = SCREENSHOT if os.environ.get("PARCOURS_SCREENSHOT") == "1" else tmp_path / "case.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert page.viewport_size["width"] == 1280
    e2e_page.assert_no_console_errors()


@pytest.mark.e2e
def test_idle_session_is_sent_back_to_sign_in(e2e_page, demo, settings):
    """The idle timeout (30 minutes in production) shortened to 2 seconds for the test."""
    import time

    settings.SESSION_IDLE_TIMEOUT = 2
    e2e_page.sign_in(REFERENT, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
    assert e2e_page.goto("/dossiers/").status == 200
    time.sleep(3.5)
    e2e_page.goto("/dossiers/")
    page = e2e_page.page
    assert "/compte/login/" in page.url
    assert page.locator("main form input[name=password]").count() == 1
    assert "sans activité" in page.locator("main").inner_text()


@pytest.mark.e2e
def test_sign_in_needs_the_password_and_the_authenticator_code(e2e_page, demo):
    from tests.conftest import totp_code

    page = e2e_page.page
    e2e_page.goto("/compte/login/")
    page.locator("main form input[name=login]").fill(REFERENT)
    page.locator("main form input[name=password]").fill(demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/compte/2fa/authenticate/" in page.url
    # Half signed in: the cases stay out of reach, the code page comes back.
    assert "/compte/" in e2e_page.goto("/dossiers/").url
    e2e_page.goto("/compte/2fa/authenticate/")
    wrong = f"{(int(totp_code(demo.DEMO_TOTP_SECRET)) + 1) % 1_000_000:06d}"
    page.locator("main form input[name=code]").fill(wrong)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/compte/2fa/authenticate/" in page.url
    page.locator("main form input[name=code]").fill(totp_code(demo.DEMO_TOTP_SECRET))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.url.endswith("/dossiers/")
    e2e_page.assert_no_console_errors()


@pytest.mark.e2e
def test_coordinator_registers_a_security_key_then_signs_in_with_it(e2e_page, demo):
    """WebAuthn with Chromium's virtual authenticator (DevTools protocol): a coordinator must
    register a key after the first TOTP sign-in, and from then on sign in with it."""
    page = e2e_page.page
    e2e_page.sign_in_and_register_a_key("alice.national", demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
    assert e2e_page.goto("/dossiers/").status == 200
    assert page.url.endswith("/dossiers/")

    # Next time: password, then the key (TOTP alone is no longer enough for her).
    page.context.clear_cookies()
    e2e_page.sign_in("alice.national", demo.DEMO_PASSWORD)
    assert "/compte/2fa/authenticate/" in page.url
    with page.expect_navigation():
        page.locator("main button", has_text=re.compile("clé|key", re.I)).first.click()
    assert e2e_page.goto("/dossiers/").url.endswith("/dossiers/")
    e2e_page.assert_no_console_errors()
