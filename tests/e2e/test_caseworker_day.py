"""A caseworker's day in a real browser, in French and in English (issue 11, "Done when"):
she finds Trần Thị Mai by typing "tran t mai" and "MAI TRAN", sees names in her lists, opens
the case and sees the next actions at the top; a labour inspector's twelve-person intake opens
twelve linked cases that the territorial coordinator allocates in one batch; a coordinator
registers a security key on the address the demo prints."""

from urllib.parse import urlparse

import pytest

from parcours.accounts.models import User
from parcours.cases import services
from parcours.cases.models import Case
from parcours.core.actor import actor_for
from parcours.shelter.models import PlacementRequest

pytestmark = pytest.mark.e2e

WORDS = {
    "fr": {"why": "un nom", "next": "Évaluer les dangers", "placed": "placée", "of": "sur 12"},
    "en": {"why": "a name", "next": "Assess the dangers", "placed": "placed", "of": "of 12"},
}


def _english(browser_page, language):
    if language == "en":
        browser_page.page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": browser_page.base_url}]
        )


def _search(browser_page, query):
    page = browser_page.page
    page.locator("input[name=q]").fill(query)
    with page.expect_response(lambda r: r.request.method == "POST" and "/dossiers/" in r.url):
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_timeout(200)  # HTMX swaps the results in
    return page.get_by_test_id("case-table")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_she_finds_mai_sees_names_and_the_next_actions(signed_in, demo, language):
    lea = actor_for(User.objects.get(username="lea.asso06"))
    mai = services.open_case(
        lea,
        {
            "family_name": "Trần",
            "given_names": "Thị Mai",
            "birth_date": {"year": 1998, "month": 4, "day": 12, "approximate": False},
            "sex": "F",
        },
        first_contact="Venue à la permanence (fictif).",
    )
    association = signed_in("lea.asso06")
    _english(association, language)
    association.goto("/dossiers/")
    words = WORDS[language]
    # names in her list: the people of her organisation's cases, by name and age
    listing = association.page.get_by_test_id("case-table").text_content()
    assert "TRẦN Thị Mai" in listing and mai.ref in listing
    for query in ("tran t mai", "MAI TRAN"):
        results = _search(association, query).text_content()
        assert mai.ref in results and "TRẦN Thị Mai" in results, query
        assert words["why"] in results, query
    # the case page: the next actions before anything else
    association.page.get_by_role("link", name=mai.ref).first.click()
    association.page.wait_for_url(f"**/dossiers/{mai.ref}/")
    actions = association.page.get_by_test_id("next-actions")
    assert words["next"] in actions.text_content()
    top = actions.bounding_box()["y"]
    assert top < association.page.get_by_test_id("fold-timeline").bounding_box()["y"]
    assert top < 900  # in the first screen at 1280 px
    association.assert_no_console_errors()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_twelve_men_one_intake_and_one_batch(signed_in, e2e_pages, demo, language):
    inspector = signed_in("eric.it47")
    _english(inspector, language)
    inspector.goto("/dossiers/nouveau/groupe/?personnes=12")
    page = inspector.page
    operation = f"Contrôle chantier 47 ({language}, fictif)"
    page.locator("[name=operation]").fill(operation)
    page.locator("[name=first_contact]").fill("Contrôle de l'inspection du travail (fictif).")
    page.locator("[name=sex]").select_option("M")
    page.locator("[name=zone_departements]").select_option("47")
    page.locator("input[name=dangers][value=housed_by_exploiter]").check(force=True)
    page.locator("[name=level]").select_option("critical")
    page.locator("input[name=ask_shelter]").check(force=True)
    page.locator("[name=consent_date]").fill(demo_today())
    for n in range(12):
        page.locator(f"[name=p-{n}-family_name]").fill("Fictif")
        page.locator(f"[name=p-{n}-given_names]").fill(f"Ouvrier {n + 1}")
        page.locator(f"input[name=p-{n}-consents_to_shelter]").check(force=True)
    inspector.submit(page.locator("main form[method=post]").last)
    cases = Case.objects.filter(operation=operation)
    assert cases.count() == 12
    assert PlacementRequest.objects.filter(operation=operation).count() == 12
    inspector.assert_no_console_errors()

    # The coordinator of Lot-et-Garonne allocates the twelve in one batch.
    coordinator = e2e_pages()
    _english(coordinator, language)
    coordinator.sign_in_and_register_a_key(
        "ambre.coord47", demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET
    )
    coordinator.goto("/coordination/repartition/")
    batch = coordinator.page
    batch.locator("input#operation").fill(operation)
    coordinator.submit(batch.locator("main form[method=get]"))
    assert "12" in batch.get_by_test_id("waiting-count").text_content()
    coordinator.submit(batch.locator("main form[method=post]"))
    assert WORDS[language]["of"] in batch.get_by_test_id("placed-count").text_content()
    batch.locator("button[value=apply]").click()
    batch.wait_for_load_state()
    assert batch.get_by_test_id("allocation").locator("tbody tr").count() == 12
    outcomes = batch.get_by_test_id("outcome").all_text_contents()
    assert len(outcomes) == 12
    coordinator.assert_no_console_errors()


def demo_today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_coordinator_registers_a_key_on_the_printed_address(
    e2e_pages, demo, live_server, language
):
    from parcours.demo.management.commands.demo import _address

    printed = urlparse(_address("127.0.0.1:8000"))
    assert printed.hostname == "localhost"
    assert urlparse(live_server.url).hostname == printed.hostname  # the same name as printed
    coordinator = e2e_pages()
    _english(coordinator, language)
    coordinator.sign_in_and_register_a_key(
        "marie.coord06", demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET
    )
    coordinator.goto("/dossiers/")
    assert "/compte/2fa/" not in coordinator.page.url  # the key is registered: no more asking
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(
        user__username="marie.coord06", type=Authenticator.Type.WEBAUTHN
    ).exists()
    coordinator.assert_no_console_errors()
