"""Accessibility in a real browser (issue 14, item 7): axe-core on every main page, as the
people who use it, in French (and in English for the case page and the list). A page fails on
any ``serious`` or ``critical`` violation, with the list of them (rule, impact, element, help):
accessibility (RGAA) is a legal duty for a public service.

Pages are checked at 1280 px, the main ones and those with tables at 375 px too; the case
pages with every fold open (summary, next actions, safety, rights, pathway, referrals,
identification, tasks, appointments, contacts, timeline...). No rule is disabled globally:
``EXCLUDED`` would name an element left out of one rule, with the reason (none is). Contrast is
checked twice, the second time without the DSFR's background images (``axe_findings``).
``AXE_VERBOSE=1`` prints every finding of every impact.

The demo is loaded once for the whole module (``site``): loading it and signing everyone in
for each page would take minutes. The module therefore runs its own live server on the test
database, which it empties at the end (as ``transactional_db`` does after each test); each test
runs in a transaction rolled back after it (``django_db``) and opens a fresh browser context
with the cookies of a session signed in once per account.
"""

import os
import re
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import VIEWPORT, BrowserPage

pytestmark = pytest.mark.e2e

FAILING_IMPACTS = ("serious", "critical")
# Rules whose "needs review" answer is a defect all the same: axe reports an id used twice as
# "incomplete" when only labels point at it, but the second label then names the first field.
DECIDED_WHEN_REVIEWED = {"duplicate-id-aria", "duplicate-id-active", "duplicate-id"}

# Elements left out of one rule only, each for a documented reason: (rule id, CSS selector).
# None so far: the DSFR pages pass as they are.
EXCLUDED: list[tuple[str, str]] = []


@dataclass
class Site:
    """The demo behind a live server: its address, the references of the pages to visit, and
    the signed-in sessions (their cookies), one per account."""

    browser: object
    base_url: str
    refs: dict
    sessions: dict = field(default_factory=dict)

    def page_for(self, username: str | None, language: str):
        """A page in a fresh context, signed in as ``username`` (anonymous when None), with
        the interface in ``language``."""
        context = self.browser.new_context(viewport=VIEWPORT, locale="fr-FR")
        context.set_default_timeout(15_000)
        cookies = [{"name": "django_language", "value": language, "url": self.base_url}]
        context.add_cookies(cookies + (self.sessions[username] if username else []))
        return context.new_page()

    def sign_in(self, username: str) -> None:
        """A session as after a real sign-in (password and second factor: the sign-in pages
        themselves are checked as pages). Coordinators sign in through the pages, since they
        must register a security key first."""
        from django.conf import settings
        from django.test import Client

        from parcours.accounts.models import User
        from parcours.demo import data
        from tests.personas import sign_in

        if username in COORDINATORS:
            context = self.browser.new_context(viewport=VIEWPORT, locale="fr-FR")
            context.set_default_timeout(15_000)
            signing = BrowserPage(page=context.new_page(), base_url=self.base_url)
            signing.sign_in_and_register_a_key(username, data.DEMO_PASSWORD, data.DEMO_TOTP_SECRET)
            self.sessions[username] = context.cookies()
            context.close()
            return
        client = sign_in(
            Client(), SimpleNamespace(user=User.objects.get(username=username)), "totp"
        )
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.sessions[username] = [
            {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": self.base_url}
        ]


COORDINATORS = {"marie.coord06", "ambre.coord47", "alice.national", "sophie.coord33"}


def _demo_refs() -> dict:
    """The records the pages are about, found in the demo as loaded."""
    from parcours.accounts.models import User
    from parcours.cases.models import Case
    from parcours.conferences.models import Conference
    from parcours.core import communes
    from parcours.core.actor import actor_for
    from parcours.demo.data import _token
    from parcours.identification import screening
    from parcours.referrals.models import Referral
    from parcours.reporting.submit import file_report
    from parcours.shelter.models import PlacementRequest

    s1 = Case.objects.select_related("person").get(intake_token=_token("S1"))
    s2 = Case.objects.select_related("person").get(intake_token=_token("S2"))
    lea = actor_for(User.objects.get(username="lea.asso06"))
    draft = screening.start(lea, s2)
    report = file_report(
        commune=communes.find("Grasse")[0], seen="Une femme fictive ne sort jamais (test)."
    )
    return {
        "s1": s1.ref,
        "s1_person": s1.person.ref,
        "s2": s2.ref,
        "s3": Case.objects.get(intake_token=_token("S3")).ref,
        "s1_referral": Referral.objects.filter(case=s1, service__kind="child_welfare_young_adult")
        .order_by("pk")
        .first()
        .ref,
        "s1_conference": Conference.objects.filter(case=s1).order_by("pk").first().pk,
        "s2_request": PlacementRequest.objects.filter(case=s2).order_by("pk").first().pk,
        "s2_screening": draft.pk,
        "report": report.pk,
    }


def _flush_test_database() -> None:
    """Empty the test database as ``transactional_db`` does after a test, the journal's
    append-only triggers lifted for the flush and put back after it."""
    from django.core.management import call_command
    from django.db import connection

    from parcours.audit import triggers

    triggers.remove(connection)
    call_command("flush", interactive=False, verbosity=0)
    triggers.install(connection)


def _wait_for_requests_in_flight(kept, timeout: float = 15.0) -> None:
    """Let the server's request threads finish what a closed page asked (on a loaded machine
    they may take seconds): a thread still answering after the server stopped would close the
    shared test connection from the wrong thread and fail whichever test runs next."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not [t for t in threading.enumerate() if t not in kept and t.is_alive()]:
            return
        time.sleep(0.1)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, e2e_browser):
    """The demo, loaded once, behind a live server of this module (see the module docstring)."""
    from django.core.cache import cache
    from pytest_django.live_server_helper import LiveServer

    from parcours.demo import data

    with django_db_blocker.unblock():
        cache.clear()  # no TOTP code remembered as used by an earlier test
        server = None
        threads_before = set(threading.enumerate())
        try:
            data.load()
            refs = _demo_refs()
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            site = Site(browser=e2e_browser, base_url=server.url, refs=refs)
            # Signed in now, outside the tests: each test's writes are rolled back, sessions too.
            for username in {user for _name, user, _path, _before in PAGES if user}:
                site.sign_in(username)
            yield site
        finally:
            if server is not None:
                _wait_for_requests_in_flight(threads_before | {server.thread})
                server._live_server_modified_settings.disable()
                server.stop()
            _flush_test_database()
            cache.clear()


# --- The pages -----------------------------------------------------------------------------
# (id, account or None for anonymous, path with {refs}, what to do before the check)


def _open_every_fold(page) -> None:
    """Unfold every part of the page, so that what the folds hold is checked too."""
    page.evaluate("document.querySelectorAll('main details').forEach((d) => { d.open = true; })")


def _search(page) -> None:
    page.locator("input[name=q]").fill("keita")
    with page.expect_response(lambda r: r.request.method == "POST" and "/dossiers/" in r.url):
        page.locator("main form button[type=submit]").first.click()
    page.get_by_test_id("case-table").wait_for()
    page.wait_for_timeout(200)  # HTMX settles the swapped results


def _password_step(page) -> None:
    """The sign-in's second step: the authenticator code, after the password."""
    from parcours.demo import data

    form = page.locator("main form").first
    form.locator("input[name=login]").fill(MINORS_REFERENT)
    form.locator("input[name=password]").fill(data.DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/compte/2fa/authenticate/" in page.url, page.url


def _report_and_receipt(page) -> None:
    form = page.get_by_test_id("report-form")
    form.locator("textarea[name=seen]").fill("Un jeune homme fictif travaille la nuit (test).")
    form.locator("input[name=commune]").fill("Grasse")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/signalement/recu/" in page.url, page.url


REFERENT = "camille.asso33"  # referent of S1 (Bordeaux)
PARTNER = "yanis.siao33"  # the SIAO, a participant of S1: identity and social only
S2_REFERENT = "lea.asso06"
GENDARME = "julien.gend06"
FACILITY = "jeanne.chrs35"
CHILD_WELFARE = "claire.ase33"  # received S1's request for young-adult support
COORDINATOR = "marie.coord06"
MINORS_REFERENT = "lucas.asso75"  # S3, a girl of 16 (Paris)
INSPECTOR = "eric.it47"
MANAGER = "chloe.asso06"

PAGES = [
    ("sign-in", None, "/compte/login/", None),
    ("public-report", None, "/signalement/", None),
    ("public-report-receipt", None, "/signalement/", _report_and_receipt),
    ("second-factor", None, "/compte/login/", _password_step),
    ("my-cases", REFERENT, "/dossiers/", None),
    ("search-results", REFERENT, "/dossiers/", _search),
    ("my-tasks", REFERENT, "/taches/", None),
    ("my-alerts", REFERENT, "/alertes/", None),
    ("my-alerts-coordinator", COORDINATOR, "/alertes/", None),
    ("open-a-case", REFERENT, "/dossiers/nouveau/", None),
    ("case-referent", REFERENT, "/dossiers/{s1}/", _open_every_fold),
    ("case-partner-redacted", PARTNER, "/dossiers/{s1}/", _open_every_fold),
    (
        "case-identification-section",
        GENDARME,
        "/dossiers/{s2}/?ouvrir=identification#identification",
        None,
    ),
    ("case-s2-referent", S2_REFERENT, "/dossiers/{s2}/", _open_every_fold),
    ("case-s3-minor", MINORS_REFERENT, "/dossiers/{s3}/", _open_every_fold),
    ("participant-add", REFERENT, "/dossiers/{s1}/participants/", None),
    ("consent-new", REFERENT, "/dossiers/{s1}/consentements/nouveau/", None),
    ("handover", REFERENT, "/dossiers/{s1}/transfert/", None),
    ("person-and-access-history", REFERENT, "/personnes/{s1_person}/", None),
    ("referral", REFERENT, "/orientations/{s1_referral}/", None),
    ("referral-new", REFERENT, "/dossiers/{s1}/orientations/nouvelle/", None),
    ("referrals-received", CHILD_WELFARE, "/orientations/", None),
    ("conference", REFERENT, "/dossiers/{s1}/reunions/{s1_conference}/", None),
    ("conference-new", REFERENT, "/dossiers/{s1}/reunions/nouvelle/", None),
    ("notifications", REFERENT, "/notifications/", None),
    ("screenings", S2_REFERENT, "/dossiers/{s2}/reperage/", None),
    ("screening-form", S2_REFERENT, "/dossiers/{s2}/reperage/{s2_screening}/", None),
    ("dangers", S2_REFERENT, "/dossiers/{s2}/dangers/", None),
    ("danger-zone-add", S2_REFERENT, "/dossiers/{s2}/zones/nouvelle/", None),
    ("safe-place-new", S2_REFERENT, "/dossiers/{s2}/mise-a-l-abri/", None),
    ("safe-place-request", S2_REFERENT, "/dossiers/{s2}/mise-a-l-abri/{s2_request}/", None),
    ("facilities", FACILITY, "/hebergement/etablissements/", None),
    ("safe-place-proposals", FACILITY, "/hebergement/propositions/", None),
    ("report-triage-queue", COORDINATOR, "/coordination/signalements/", None),
    ("report-triage-detail", COORDINATOR, "/coordination/signalements/{report}/", None),
    ("batch-allocation", COORDINATOR, "/coordination/repartition/", None),
    ("rights-catalogue", COORDINATOR, "/coordination/droits/", None),
    ("exceptional-access", COORDINATOR, "/acces-exceptionnel/", None),
    ("group-intake", INSPECTOR, "/dossiers/nouveau/groupe/", None),
    ("members", MANAGER, "/organisation/membres/", None),
    ("directory", REFERENT, "/annuaire/", None),
    ("my-account", REFERENT, "/mon-compte/", None),
]
ENGLISH_TOO = {"my-cases", "case-referent", "search-results", "sign-in"}
# On a phone's screen too (375 px): the main pages and those with tables, which scroll sideways
# there (a table that scrolls must take the keyboard's focus).
PHONE_TOO = {
    "my-cases",
    "case-referent",
    "person-and-access-history",
    "directory",
    "rights-catalogue",
    "screening-form",
}
PHONE = {"width": 375, "height": 800}

CASES = (
    [
        pytest.param(name, user, path, before, "fr", None, id=f"{name}-fr")
        for name, user, path, before in PAGES
    ]
    + [
        pytest.param(name, user, path, before, "en", None, id=f"{name}-en")
        for name, user, path, before in PAGES
        if name in ENGLISH_TOO
    ]
    + [
        pytest.param(name, user, path, before, "fr", PHONE, id=f"{name}-fr-375px")
        for name, user, path, before in PAGES
        if name in PHONE_TOO
    ]
)


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    target: str
    help: str
    url: str

    def __str__(self):
        return f"- {self.rule} ({self.impact}) at {self.target}: {self.help} [{self.url}]"


def axe_findings(page) -> list[Finding]:
    """What axe-core finds wrong on the page as it stands, element by element: its violations,
    what it leaves for review under a rule of ``DECIDED_WHEN_REVIEWED``, and the contrast of
    the texts it could not decide for the DSFR's background images (a second pass, without
    them); minus the elements of ``EXCLUDED``. The page keeps no background image after it."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"resultTypes": ["violations", "incomplete"]}
    response = axe.run(page, options=options).response
    results = response["violations"]
    results += [r for r in response["incomplete"] if r["id"] in DECIDED_WHEN_REVIEWED]
    _without_background_images(page)
    contrast = page.evaluate(  # axe is in the page already
        "(options) => axe.run(document, options)", {"runOnly": ["color-contrast"], **options}
    )
    results += contrast["violations"]
    found = []
    for result in results:
        for node in result["nodes"]:
            if any(rule == result["id"] and _matches(page, node, css) for rule, css in EXCLUDED):
                continue
            finding = Finding(
                rule=result["id"],
                impact=node.get("impact") or result["impact"] or "",
                target=" >> ".join(map(str, node["target"])),
                help=result["help"],
                url=result["helpUrl"].split("?")[0],
            )
            if finding not in found:
                found.append(finding)
    return found


def _without_background_images(page) -> None:
    """The DSFR draws the underline of links and the edge of alerts as background gradients,
    over which axe cannot tell the contrast of a text: it leaves nearly every link "for review".
    Without them (the text stays on its background colour, which is what one reads it on) the
    contrast is decided; the underlines are gone, hence a pass for the contrast only. A style
    rule added through the CSSOM, which the CSP allows."""
    page.evaluate(
        """() => { const sheet = [...document.styleSheets].pop();
        sheet.insertRule('*, *::before, *::after { background-image: none !important; }',
                         sheet.cssRules.length); }"""
    )


def _matches(page, node, selector) -> bool:
    target = node["target"][0]
    if not isinstance(target, str):  # inside a shadow root or a frame: none on our pages
        return False
    return page.evaluate(
        "([target, selector]) => { const e = document.querySelector(target);"
        " return !!e && e.matches(selector); }",
        [target, selector],
    )


def _visit(site, name, username, path, before, language, viewport=None):
    page = site.page_for(username, language)
    if viewport is not None:
        page.set_viewport_size(viewport)
    answer = page.goto(site.base_url + path.format(**site.refs))
    assert answer.status == 200, f"{path}: {answer.status}"
    if username is not None:
        assert not urlparse(page.url).path.startswith("/compte/"), f"not signed in: {page.url}"
    if before is not None:
        before(page)
    return page


@pytest.mark.django_db  # the database is set up; each test's own writes are rolled back
@pytest.mark.parametrize(("name", "username", "path", "before", "language", "viewport"), CASES)
def test_no_serious_accessibility_violation(site, name, username, path, before, language, viewport):
    page = _visit(site, name, username, path, before, language, viewport)
    try:
        assert page.locator("html").get_attribute("lang") == language
        found = axe_findings(page)
        if os.environ.get("AXE_VERBOSE"):  # every impact, to read what is left
            print(f"\n[{name} {language}] {page.url}\n" + "\n".join(map(str, found)))
        wrong = [f for f in found if f.impact in FAILING_IMPACTS]
        assert not wrong, (
            f"{len(wrong)} serious or critical accessibility violation(s) on {name} "
            f"({language}, {(viewport or VIEWPORT)['width']} px, {path}):\n"
            + "\n".join(map(str, wrong))
        )
    finally:
        page.context.close()


@pytest.mark.django_db
def test_the_check_sees_what_a_screen_reader_user_would_miss(site):
    """On a page that passes, a field without a label, an image without a text, a link
    without a name and a pale text are reported, each with its rule, impact and element."""
    page = _visit(site, "public-report", None, "/signalement/", None, "fr")
    try:
        assert not [f for f in axe_findings(page) if f.impact in FAILING_IMPACTS]
        page.evaluate(
            """() => { const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<input type="text" id="unlabelled">'
              + '<img src="/static/parcours/none.png" id="no-alt">'
              + '<a href="/signalement/" id="no-name"></a><p id="pale">Texte pâle</p>');
            document.getElementById('pale').style.color = '#c8c8c8'; }"""
        )
        found = {(f.rule, f.impact, f.target) for f in axe_findings(page)}
        assert ("label", "critical", "#unlabelled") in found, found
        assert ("image-alt", "critical", "#no-alt") in found, found
        assert ("link-name", "serious", "#no-name") in found, found
        assert ("color-contrast", "serious", "#pale") in found, found
    finally:
        page.context.close()


def test_an_exclusion_names_one_rule_and_some_elements():
    for rule, css, *_reason in EXCLUDED:
        assert re.fullmatch(r"[a-z0-9-]+", rule), rule
        assert css.strip() not in ("", "*", "html", "body", "main"), css
