"""Browser fixtures: Debian's headless Chromium driven by Playwright against ``live_server``.

``playwright install`` cannot download browsers here, so we launch the system Chromium by
path. The fixtures are named ``e2e_browser`` / ``e2e_page`` so they never clash with the
``browser`` / ``page`` fixtures of the pytest-playwright plugin, which stays installed but unused.

When no Chromium is installed, every test that asks for a browser is skipped with the reason.
"""

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

# Sync Playwright runs an asyncio event loop in the test thread; Django then refuses ORM calls
# from that thread (the test's own set-up and checks) unless told it is safe, which it is here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
VIEWPORT = {"width": 1280, "height": 900}
NO_CHROMIUM = "Chromium is not installed: apt-get install chromium to run the browser tests"


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").is_file() and os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@dataclass
class BrowserPage:
    """A Playwright page plus what the browser complained about while the test ran."""

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        return self.page.goto(self.url(path))

    def sign_in(self, username: str, password: str, totp_secret: str | None = None) -> None:
        """Sign in through the real pages (whatever the interface language): user name and
        password, then the code of the authenticator app, computed from its secret."""
        from tests.conftest import totp_code

        self.goto("/compte/login/")
        form = self.page.locator("main form").first
        form.locator("input[name=login]").fill(username)
        form.locator("input[name=password]").fill(password)
        with self.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "/compte/login/" not in self.page.url, f"password step failed for {username}"
        if totp_secret is not None:
            assert "/compte/2fa/authenticate/" in self.page.url, self.page.url
            code_form = self.page.locator("main form").first
            code_form.locator("input[name=code]").fill(totp_code(totp_secret))
            with self.page.expect_navigation():
                code_form.locator("button[type=submit]").first.click()
            assert "/compte/2fa/" not in self.page.url, f"second factor refused for {username}"

    def submit(self, form) -> None:
        """Submit ``form`` (a locator) with its first submit button and wait for the answer."""
        with self.page.expect_navigation():
            form.locator("button[type=submit]").first.click()

    def add_virtual_authenticator(self) -> None:
        """Chromium's virtual security key (DevTools protocol), present and verified."""
        cdp = self.page.context.new_cdp_session(self.page)
        cdp.send("WebAuthn.enable")
        cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "usb",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )

    def sign_in_and_register_a_key(self, username: str, password: str, totp_secret: str):
        """First sign-in of someone who must use a security key (a coordinator): password and
        TOTP code, then Parcours asks for a key, which the virtual authenticator provides."""
        self.add_virtual_authenticator()
        self.sign_in(username, password, totp_secret)
        self.goto("/dossiers/")
        page = self.page
        if "/compte/reauthenticate/" in page.url:  # allauth: confirm the password before adding
            page.locator("main form input[name=password]").fill(password)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").first.click()
        assert "/compte/2fa/webauthn/add/" in page.url, page.url
        page.locator("main form input[name=name]").fill("Clé de test")
        with page.expect_navigation():
            page.locator("#mfa_webauthn_add").click()

    def errors(self, *, ignore_404_of: str | None = None) -> list[str]:
        """Console errors (CSP violations included); optionally minus the expected 404 of a
        page the test navigated to on purpose."""
        found = self.console_errors
        if ignore_404_of is not None:
            target = self.url(ignore_404_of)
            found = [e for e in found if not (target in e and "404" in e)]
        return found

    def assert_no_console_errors(self, *, ignore_404_of: str | None = None) -> None:
        found = self.errors(ignore_404_of=ignore_404_of)
        assert not found, "the browser reported errors:\n- " + "\n- ".join(found)


@pytest.fixture(scope="session")
def e2e_browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        # While Playwright's event loop runs in this thread, Django (through asgiref) keeps a
        # separate set of database connections for it. Close them before the loop stops, or
        # they outlive the session (and PostgreSQL refuses to drop the test database).
        from django.db import connections

        connections.close_all()


@pytest.fixture
def _journal_triggers_reinstalled(django_db_setup, django_db_blocker):
    """Once the database is flushed after a transactional test, put the journal's append-only
    triggers back, so that tests running later in this worker meet the real schema."""
    yield
    from django.db import connection

    from parcours.audit import triggers

    with django_db_blocker.unblock():
        triggers.install(connection)


@pytest.fixture
def transactional_db(_journal_triggers_reinstalled, transactional_db):
    """pytest-django's ``transactional_db`` (which ``live_server`` asks for), set up after
    ``_journal_triggers_reinstalled`` so that the triggers come back after the flush that
    ``journal_flushable`` (tests/conftest.py) makes possible by lifting them."""
    yield


def _open_page(e2e_browser, live_server):
    """A fresh browser context (no cookies), French first like the users; returns the page
    and its context."""
    context = e2e_browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    # Make CSP violations impossible to miss (Chromium also logs them as console errors).
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at "
        "${e.sourceFile}:${e.lineNumber}`));"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    wrapped = BrowserPage(page=page, base_url=live_server.url)

    def where() -> str:
        return page.url.removeprefix(live_server.url)

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            wrapped.console_errors.append(
                f"on {where()}: {message.text} [{location.get('url', '')}]"
            )

    page.on("console", on_console)

    def on_page_error(error):
        # An uncaught exception in the page's scripts; keep the first frame of its stack.
        frames = [line.strip() for line in (error.stack or "").splitlines() if "at " in line]
        wrapped.console_errors.append(
            f"on {where()}: uncaught {error} [{frames[0] if frames else ''}]"
        )

    page.on("pageerror", on_page_error)
    return wrapped, context


@pytest.fixture
def e2e_pages(e2e_browser, live_server, transactional_db, journal_flushable):
    """Opens browser pages, each in its own context: several people of several organisations
    at their own screens in one test."""
    from django.core.cache import cache

    # The database cache is not emptied by the flush between tests; a TOTP code marked as used
    # by an earlier test would be refused as a replay.
    cache.clear()
    contexts = []

    def open_page() -> BrowserPage:
        wrapped, context = _open_page(e2e_browser, live_server)
        contexts.append(context)
        return wrapped

    yield open_page
    # Leave every page first, then give the live server a moment to finish what it was
    # answering: a request still running while the database is flushed after the test made
    # PostgreSQL detect a deadlock (its lock against the flush's TRUNCATE) and fail the flush.
    for context in contexts:
        for page in context.pages:
            page.goto("about:blank")
    if contexts:
        time.sleep(0.5)
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in(e2e_pages, demo):
    """Opens a browser page signed in as a demo account (password and authenticator code)."""

    def sign_in(username: str) -> BrowserPage:
        browser_page = e2e_pages()
        browser_page.sign_in(username, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
        return browser_page

    return sign_in


@pytest.fixture
def e2e_page(e2e_pages):
    """One browser page in a fresh context."""
    return e2e_pages()


@pytest.fixture
def demo(transactional_db):
    """The fictional demo data: organisations, accounts and scenarios S1-S3."""
    from parcours.demo import data

    data.load()
    return data
