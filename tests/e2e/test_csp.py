"""The strict Content Security Policy holds in a real browser: no page of the journeys makes
Chromium block anything (issue 11, point 14).

The policy allows styles from our own origin only (``style-src 'self'``, no 'unsafe-inline', no
hash): an inline ``style="..."`` attribute in the HTML or a ``<style>`` element would be blocked
and logged ("Applying inline style violates ..."). A browser signs in as the people of the demo
and opens their pages; every ``securitypolicyviolation`` event of the document and every console
message about the policy is collected, and the test fails on any of them.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from parcours.cases.models import Case

pytestmark = pytest.mark.e2e

# Reported from the page to the test at once (a binding survives navigation, unlike a variable
# of the page): the directive, the blocked resource and where the page was.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__parcoursCspViolation({
    directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample,
    source: e.sourceFile, line: e.lineNumber, page: document.location.pathname,
  });
});
"""


@dataclass
class CspWatch:
    """What the browser said about the policy while the pages were open."""

    violations: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        policy = [
            m
            for m in self.console
            if "Content Security Policy" in m or "violates" in m or "CSP violation" in m
        ]
        return self.violations + policy


def watch(browser_page) -> CspWatch:
    """Collect the policy's violations and console messages of this browser page."""
    found = CspWatch()
    page = browser_page.page

    def on_violation(source, report):
        found.violations.append(
            f"on {report['page']}: {report['directive']} blocked {report['blocked']!r} "
            f"(sample {report['sample']!r}) at {report['source']}:{report['line']}"
        )

    page.context.expose_binding("__parcoursCspViolation", on_violation)
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: found.console.append(f"[{message.type}] {message.text}"))
    return found


def visit(browser_page, found: CspWatch, path: str) -> None:
    browser_page.goto(path)
    browser_page.page.wait_for_load_state("networkidle")
    found.visited.append(browser_page.page.url.removeprefix(browser_page.base_url))


def reauthenticate(browser_page, password: str) -> None:
    """allauth asks for the password again before the pages that show or change a factor."""
    page = browser_page.page
    if "/compte/reauthenticate/" in page.url:
        page.locator("main form input[name=password]").fill(password)
        browser_page.submit(page.locator("main form").first)
        page.wait_for_load_state("networkidle")


def assert_clean(found: CspWatch, *expected: str) -> None:
    for path in expected:
        assert any(v.startswith(path) for v in found.visited), (path, found.visited)
    problems = found.problems()
    assert not problems, "the browser reported CSP violations:\n- " + "\n- ".join(problems)


def test_the_sign_in_and_the_caseworker_pages_break_no_policy(e2e_pages, demo):
    password = demo.DEMO_PASSWORD
    browser_page = e2e_pages()
    found = watch(browser_page)
    visit(browser_page, found, reverse("account_login"))
    browser_page.sign_in("camille.asso33", password, demo.DEMO_TOTP_SECRET)
    case = Case.objects.get(intake_token=demo._token("S1"))
    # The list of cases filters in place (htmx swaps the results): no style on the way.
    visit(browser_page, found, reverse("my_cases"))
    page = browser_page.page
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator("main form select[name=status]").select_option(index=1)
    page.wait_for_load_state("networkidle")
    for path in (
        reverse("case_detail", kwargs={"ref": case.ref}),
        reverse("account"),
        reverse("mfa_index"),
        reverse("mfa_list_webauthn"),
    ):
        visit(browser_page, found, path)
    # The pages that show or change a factor, after the password asked again.
    visit(browser_page, found, reverse("mfa_generate_recovery_codes"))
    reauthenticate(browser_page, password)
    browser_page.submit(browser_page.page.locator("main form").first)  # new codes
    browser_page.page.wait_for_load_state("networkidle")
    assert "/compte/2fa/recovery-codes/" in browser_page.page.url
    # The codes are there to read and copy, in a monospace box (issue 11, point 8).
    box = browser_page.page.locator("textarea#recovery_codes")
    assert len(box.input_value().split()) == 10
    assert "monospace" in box.evaluate("e => getComputedStyle(e).fontFamily")
    for path in (
        reverse("mfa_view_recovery_codes"),
        reverse("mfa_add_webauthn"),
        reverse("mfa_deactivate_totp"),
    ):
        visit(browser_page, found, path)
    assert_clean(
        found,
        reverse("my_cases"),
        reverse("case_detail", kwargs={"ref": case.ref}),
        reverse("account"),
        reverse("mfa_index"),
        reverse("mfa_view_recovery_codes"),
        reverse("mfa_add_webauthn"),
    )


def test_the_referral_and_facility_inboxes_break_no_policy(e2e_pages, demo):
    for username, path in (
        ("yanis.siao33", reverse("referral_inbox")),
        ("karim.chrs69", reverse("placement_inbox")),
    ):
        browser_page = e2e_pages()
        found = watch(browser_page)
        browser_page.sign_in(username, demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET)
        visit(browser_page, found, path)
        assert_clean(found, path)


def test_the_coordinator_batch_page_breaks_no_policy(e2e_pages, demo):
    browser_page = e2e_pages()
    found = watch(browser_page)
    browser_page.sign_in_and_register_a_key(
        "marie.coord06", demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET
    )
    # After registering her key, allauth showed her new recovery codes.
    for path in (
        reverse("batch_allocation"),
        reverse("mfa_list_webauthn"),
        reverse("mfa_index"),
        reverse("mfa_view_recovery_codes"),
    ):
        visit(browser_page, found, path)
    assert_clean(found, reverse("batch_allocation"), reverse("mfa_list_webauthn"))
