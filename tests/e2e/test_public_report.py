"""Issue 13, item 7 in a browser: someone without an account reports a suspected situation in
Grasse from a browser with JavaScript turned off and gets a receipt number; the territorial
coordinator of the Alpes-Maritimes finds it in her queue and opens a case for the association
of Grasse, whose caseworker reads the reporter's words on the case; a flood from the same
connection is then refused politely (429, in French) while the coordinator's pages answer as
before."""

import re

import pytest

from tests.e2e.conftest import VIEWPORT

pytestmark = pytest.mark.e2e

SEEN = (
    "Une jeune femme fictive fait le ménage tous les jours dans une villa du quartier, elle ne "
    "sort jamais seule et on lui a pris ses papiers, voir https://exemple.invalid/annonce."
)


@pytest.fixture
def reporter(e2e_browser, live_server, transactional_db, journal_flushable):
    """A browser page without JavaScript, in French, signed in nowhere."""
    context = e2e_browser.new_context(viewport=VIEWPORT, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    page.goto("about:blank")
    context.close()


def _report(page, base_url, seen=SEEN):
    page.goto(base_url + "/signalement/")
    form = page.get_by_test_id("report-form")
    form.locator("textarea[name=seen]").fill(seen)
    form.locator("input[name=commune]").fill("Grasse")
    form.locator("input[name=contact]").fill("Infirmière scolaire, 04 00 00 00 00")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_public_report_becomes_a_case_and_a_flood_is_refused(
    reporter, e2e_pages, signed_in, demo, live_server
):
    from parcours.accounts.models import Organisation
    from parcours.cases.models import Case
    from parcours.reporting.models import Report

    # The reporter, without JavaScript: the trap for robots is off screen, the receipt comes.
    reporter.goto(live_server.url + "/signalement/")
    assert reporter.get_by_role("heading", level=1).inner_text().startswith("Signaler")
    trap = reporter.locator("input[name=website]").bounding_box()
    assert trap is None or trap["x"] + trap["width"] <= 0
    _report(reporter, live_server.url)
    assert "/signalement/recu/" in reporter.url
    ref = reporter.get_by_test_id("receipt-ref").inner_text()
    assert re.fullmatch(r"S-[0-9A-Z]{4}-[0-9A-Z]{2}", ref)
    assert "villa" not in reporter.content()  # the receipt number and nothing else
    report = Report.objects.get(ref=ref)
    assert report.departement == "06"

    # The coordinator of the Alpes-Maritimes (security key, as coordinators must).
    coordinator = e2e_pages()
    coordinator.sign_in_and_register_a_key(
        "marie.coord06", demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET
    )
    coordinator.goto("/coordination/signalements/")
    row = coordinator.page.get_by_test_id("report-row").filter(has_text=ref)
    assert "Grasse (06)" in row.inner_text()
    assert row.locator("a[href^='https://exemple.invalid']").count() == 0  # never a link
    with coordinator.page.expect_navigation():
        row.get_by_role("link", name=ref).click()
    association = Organisation.objects.get(name="Association Le Phare des Collines")
    form = coordinator.page.get_by_test_id("open-case-form")
    form.locator("select[name=organisation]").select_option(str(association.pk))
    coordinator.submit(form)
    case = Case.objects.get(report__ref=ref)
    assert coordinator.page.url.endswith(f"/dossiers/{case.ref}/")
    assert case.referent_org == association
    assert case.person.aliases == [f"Signalement {ref}"]
    coordinator.assert_no_console_errors()

    # The association's caseworker reads the case and what the reporter wrote.
    caseworker = signed_in("lea.asso06")
    caseworker.goto(f"/dossiers/{case.ref}/")
    body = caseworker.page.locator("main").inner_text()
    assert "villa du quartier" in body and ref in body
    caseworker.assert_no_console_errors()

    # A flood from the reporter's connection: four more pass (five an hour), then a polite 429.
    for _ in range(4):
        _report(reporter, live_server.url, seen=SEEN + " Encore.")
        assert "/signalement/recu/" in reporter.url
    reporter.goto(live_server.url + "/signalement/")
    form = reporter.get_by_test_id("report-form")
    form.locator("textarea[name=seen]").fill(SEEN)
    form.locator("input[name=commune]").fill("Grasse")
    with reporter.expect_response(lambda r: r.request.method == "POST") as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 429
    assert "Trop de signalements" in reporter.locator("h1").inner_text()
    assert Report.objects.count() == 5

    # Nothing else slows down: the coordinator's queue answers at once, all five listed.
    coordinator.goto("/coordination/signalements/")
    assert coordinator.page.get_by_test_id("report-row").count() == 5
