"""The page frame in a real browser, at a phone's width and at a desk's: the menu folds behind a
"Menu" button on a 375 px screen (nothing scrolls sideways, the long name of the organisation
included), and opens with every link; at 1280 px the Marianne block shows whole and the menu
offers only pages the reader may open."""

import pytest

pytestmark = pytest.mark.e2e

HOST_STAFF = "jeanne.chrs35"  # staff of the host facility: the longest organisation name


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_menu_folds_on_a_phone_and_opens(e2e_page, demo):
    e2e_page.sign_in(HOST_STAFF, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
    page = e2e_page.page
    page.set_viewport_size({"width": 375, "height": 800})
    e2e_page.goto("/dossiers/")
    nav = page.locator("nav.fr-nav")
    assert not nav.is_visible(), "the menu must fold behind its button on a phone"
    assert _scroll_width(page) <= 375
    page.locator("#header-menu-button").click()
    nav.wait_for(state="visible")
    assert nav.get_by_role("link", name="Propositions de mise à l’abri").is_visible()
    assert page.locator(".fr-header__menu-links").get_by_text("Se déconnecter").is_visible()
    assert e2e_page.console_errors == []


def test_the_header_fits_every_screen(e2e_page, demo):
    """At 1280, 1024 and 375 px, in French and English, no page of the frame is wider than
    the screen (the header with the longest organisation name of the demo), and the Marianne
    block shows whole."""
    e2e_page.sign_in(HOST_STAFF, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
    page = e2e_page.page
    for language in ("fr", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": e2e_page.base_url}]
        )
        for width in (1280, 1024, 375):
            page.set_viewport_size({"width": width, "height": 800})
            e2e_page.goto("/dossiers/")
            header = page.locator("header.fr-header").bounding_box()
            where = f"{language} at {width} px"
            assert header["width"] <= width, f"the header overflows {where}"
            assert _scroll_width(page) <= width, f"the page scrolls sideways {where}"
            logo = page.locator(".fr-header__logo").bounding_box()
            assert logo["width"] >= 80, f"the Marianne block is squeezed {where}"
    page.set_viewport_size({"width": 1280, "height": 800})
    menu = page.locator("nav.fr-nav").inner_text()
    assert "Open a case" not in menu  # a facility opens no case: no link to a 404
