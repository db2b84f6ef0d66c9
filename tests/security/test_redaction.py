"""Page-wide redaction (issue 9, "Where she sleeps stays secret"): every route that renders a
case's data, for every persona, against one case where every section is filled with a sentinel
string per field group (``tests.security.full_case``). No answer may hold a sentinel of a group
the reader does not see; without the location group, neither the host facility's name, town,
address or staff, nor the shelter referral's recipient, nor the place entered by hand.

Every route of the URL conf is either walked here or excused in ``NOT_WALKED`` with the reason
it renders no personal data: a new route fails ``test_every_route_is_walked_or_excused`` until it
joins one or the other. Methods and parameter kinds come from the permission matrix
(``tests/www/test_permission_matrix.py``): a GET for a page, an empty POST for a form (its 400
re-render), never a POST that would act. E-mails in the outbox and the notifications' texts are
read too; the minutes (PDF) are read as the text WeasyPrint lays out on their pages.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours.alerts.kinds import text_for, title_for
from parcours.alerts.models import Notification, OutboxEmail
from tests.conftest import sign_in
from tests.security.full_case import (
    GROUPS,
    LOCATION_MARKERS,
    NOBODY,
    PERSON,
    PERSONAS,
    SENTINEL,
    VISIBLE,
    built_once,
    forbidden_markers,
    found_markers,
)
from tests.www.test_permission_matrix import MATRIX, OWN_ACCOUNT, _route_names, _url

# --- the walk ---------------------------------------------------------------------------------

# route -> why it is not walked (it renders no personal data, or it acts and redirects).
NOT_WALKED = {
    "case_letter_new": "an action (writes a letter) answering a redirect",
    "case_rights_sheet": "answers the PDF sheet of rights, which names nobody: its text is the "
    "rights catalogue's and the case reference (tests/identification/test_stages_and_reflection"
    ".py)",
    "rights_catalogue": "the rights catalogue, the same for every coordinator, about no case",
    **{
        name: "a letter about a refusal: the referent's caseworkers only (permission matrix), "
        "as they wrote it; one to a facility that tells where the person sleeps is refused to a "
        "reader without the location group (tests/rights/test_letters.py)"
        for name in ("case_letter", "case_letter_pdf", "case_letter_answer")
    },
    "case_task_done": "an action (closes the task) answering a redirect: renders nothing",
    "report_new": "the empty public reporting form, the same for everyone",
    "report_receipt": "the receipt of a public report: its number only",
    **{
        name: "a public report of the coordinator's département, not a case's data: the triage "
        "pages are the territorial coordinator's only (tests/www/test_reporting_pages.py)"
        for name in ("report_queue", "report_detail", "report_open_case", "report_close")
    },
    "case_participant_end": "an action (ends a participation) answering a redirect",
    "case_sharing_refused": "an action (records the refusal) answering a redirect",
    "case_zone_remove": "an action (removes a zone) answering a redirect",
    "case_consent_withdraw": "an action (withdraws a consent) answering a redirect",
    "placement_cancel": "an action (cancels a placement) answering a redirect",
    "placement_arrival": "an action (records the arrival) answering a redirect",
    "handover_cancel": "an action (cancels the hand-over) answering a redirect",
    "organisation_member_location": "an action (designates a member or withdraws it) answering "
    "a redirect; no case",
    "referral_withdraw": "an action (withdraws the referral) answering a redirect",
    "notification_open": "marks a notification read and redirects to its link (walked there)",
    "mfa_remove_webauthn": "one's own security key (django-allauth), no case",
    "mfa_edit_webauthn": "one's own security key (django-allauth), no case",
    # No parameter, no case: the same page whatever the cases.
    "home": "redirects to my cases",
    "health": "the health check: no data",
    "set_language": "Django's language switch: redirects",
    "logout_everywhere": "signs out: redirects",
    "switch_organisation": "changes the active organisation: redirects",
    "account": "one's own account and memberships",
    "case_open": "the empty intake form",
    "case_open_group": "the empty intake form for several people",
    "directory": "the public service directory, the same for everyone, about no case",
    "notification_read_all": "marks notifications read: redirects",
    **{
        name: "one's own sign-in and second factors (django-allauth), no case"
        for name in OWN_ACCOUNT
        if name not in ("mfa_remove_webauthn", "mfa_edit_webauthn")
    },
}

# Choice widgets listing every organisation or service of the directory, not the case's: the
# host and the shelter referral's recipient are in them for everyone, as in the directory.
DIRECTORY_WIDGETS = ("organisation", "recipient", "to_org", "service")
# The search box keeps what the reader typed (the person's name, posted to my cases).
SEARCH_BOX = re.compile(r'<input[^>]*name="q"[^>]*>')


# The parameter kinds of the permission matrix that walked_requests knows how to reach.
KNOWN_KINDS = {
    None,
    "case",
    "person",
    "placement_request",
    "referral",
    "handover",
    "conference",
    "conference_held",
    "facility",
    "facility_placement",
    "screening",
}


def _routes_with_parameters(patterns, namespace=""):
    """Names of the routes whose URL takes a parameter (a reference, a pk...)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes_with_parameters(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            route = pattern.pattern
            if getattr(route, "converters", None) or route.regex.groups:
                yield namespace + (pattern.name or f"<unnamed {route}>")


def walked_routes() -> list[str]:
    return sorted(name for name in MATRIX if name not in NOT_WALKED)


def has_parameter(route) -> bool:
    return MATRIX[route][1] is not None


def walked_requests(route, full):
    """(method, url, data, headers) for each object of the full case that ``route`` shows."""
    method, kind, _answers = MATRIX[route]
    case = full.case
    if kind in (None, "case", "person"):
        urls = [_url(route, kind, case)]
    elif kind == "placement_request":
        urls = [reverse(route, kwargs={"ref": case.ref, "pk": r.pk}) for r in full.requests]
    elif kind == "referral":
        urls = [reverse(route, kwargs={"ref": r.ref}) for r in full.referrals.values()]
    elif kind == "handover":
        urls = [reverse(route, kwargs={"pk": full.handover.pk})]
    elif kind == "conference":
        held_and_planned = full.conferences.values()
        urls = [reverse(route, kwargs={"ref": case.ref, "pk": c.pk}) for c in held_and_planned]
    elif kind == "conference_held":
        urls = [reverse(route, kwargs={"ref": case.ref, "pk": full.conferences["held"].pk})]
    elif kind == "facility":
        urls = [reverse(route, kwargs={"pk": full.facility.pk})]
    elif kind == "facility_placement":
        urls = [reverse(route, kwargs={"pk": full.host_placement.pk})]
    elif kind == "screening":
        urls = [reverse(route, kwargs={"ref": case.ref, "pk": s.pk}) for s in case.screenings.all()]
    else:
        raise NotImplementedError(f"teach walked_requests how to reach {route} ({kind})")
    requests = [(method, url, {}, {}) for url in urls]
    if route == "my_cases":  # the search by name is posted, never put in a URL
        search = {"q": PERSON["family_name"]}
        requests += [("post", urls[0], search, {}), ("post", urls[0], search, {"HX-Request": "1"})]
    return requests


def send(client, method, url, data, headers):
    return getattr(client, method)(url, data, headers=headers)


def _strip_widget(html, name):
    html = re.sub(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', "", html, flags=re.S)
    # radio buttons and check boxes: each input with its label
    return re.sub(
        rf'<input[^>]*name="{name}"[^>]*id="([^"]+)"[^>]*>\s*<label[^>]*for="\1"[^>]*>.*?</label>',
        "",
        html,
        flags=re.S,
    )


def without_directory_widgets(html: str) -> str:
    """The answer without what says nothing about the case: the directory's choice widgets and
    the search box's echo of the reader's own query."""
    for name in DIRECTORY_WIDGETS:
        html = _strip_widget(html, name)
    return SEARCH_BOX.sub("", html)


def answer_text(response, pdf_html=()) -> str:
    """What the reader gets: the HTML or JSON as sent (directory widgets aside); for a PDF,
    the text WeasyPrint lays out on its pages (no PDF text extractor is installed)."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        from tests.conferences.test_minutes import rendered_text

        assert pdf_html, "the minutes no longer go through minutes.render_pdf: update the spy"
        return "\n".join(rendered_text(html) for html in pdf_html)
    return without_directory_widgets(response.content.decode("utf-8", errors="replace"))


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as built:
        yield built


def spy_on_minutes(monkeypatch) -> list[str]:
    """The HTML each PDF of the minutes is drawn from, as the view hands it to WeasyPrint."""
    from parcours.conferences import minutes

    captured = []
    original = minutes.render_pdf

    def spy(html):
        captured.append(html)
        return original(html)

    monkeypatch.setattr(minutes, "render_pdf", spy)
    return captured


@pytest.fixture
def pdf_html(monkeypatch):
    return spy_on_minutes(monkeypatch)


# --- the tests --------------------------------------------------------------------------------


def test_every_route_is_walked_or_excused():
    resolver = get_resolver()
    routes = {r for r in _route_names(resolver.url_patterns) if not r.startswith("admin:")}
    walked = set(walked_routes())
    unknown = routes - walked - set(NOT_WALKED)
    assert not unknown, f"walk these routes here or excuse them in NOT_WALKED: {sorted(unknown)}"
    assert set(NOT_WALKED) <= routes, f"stale: {sorted(set(NOT_WALKED) - routes)}"
    assert all(reason.strip() for reason in NOT_WALKED.values())
    # A route taking a case, person or object parameter is walked unless excused with a reason.
    with_parameter = {
        r for r in _routes_with_parameters(resolver.url_patterns) if not r.startswith("admin:")
    }
    assert with_parameter - walked - set(NOT_WALKED) == set()
    new_kinds = {route: MATRIX[route][1] for route in walked if MATRIX[route][1] not in KNOWN_KINDS}
    assert not new_kinds, f"teach walked_requests to reach these routes: {new_kinds}"
    # The lists and inboxes that show cases without a parameter are walked too.
    assert {
        "my_cases",
        "my_tasks",
        "my_alerts",
        "referral_inbox",
        "notifications",
        "placement_inbox",
    } <= walked


def test_the_full_case_shows_every_sentinel_to_the_designated_referent(full, db, client, pdf_html):
    """The walk is worth something only if the sentinels are on the pages at all."""
    sign_in(client, full.personas["referent"])
    pages = [
        reverse("case_detail", kwargs={"ref": full.case.ref}),
        reverse("person_detail", kwargs={"ref": full.person.ref}),
        *(
            reverse("conference_detail", kwargs={"ref": full.case.ref, "pk": c.pk})
            for c in full.conferences.values()
        ),
        *(reverse("referral_detail", kwargs={"ref": r.ref}) for r in full.referrals.values()),
    ]
    text = "".join(client.get(url).content.decode() for url in pages)
    missing = [m for m in [*SENTINEL.values(), *LOCATION_MARKERS] if not found_markers(text, [m])]
    assert not missing, f"the referent's pages show none of {missing}: the walk checks nothing"
    held = full.conferences["held"]
    minutes = client.get(
        reverse("conference_minutes", kwargs={"ref": full.case.ref, "pk": held.pk})
    )
    minutes_text = answer_text(minutes, pdf_html)
    assert all(f"{SENTINEL[g]}-DECISION" in minutes_text for g in GROUPS if g != "identity")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", walked_routes())
def test_no_page_shows_what_the_reader_may_not_see(full, db, client, pdf_html, route, persona):
    if persona != "anonymous":
        sign_in(client, full.personas[persona])
    forbidden = forbidden_markers(persona)
    problems = []
    for method, url, data, headers in walked_requests(route, full):
        pdf_html.clear()
        response = send(client, method, url, data, headers)
        where = f"{route}: {method.upper()} {url} as {persona} ({response.status_code})"
        if persona == "anonymous":
            if response.status_code != 403:  # the JSON API answers 403, pages redirect
                assert response.status_code == 302, where
                assert response["Location"].startswith(reverse("account_login")), where
        elif persona in NOBODY and has_parameter(route):
            assert response.status_code == 404, f"{where}: expected 404"
        found = found_markers(answer_text(response, pdf_html), forbidden)
        if found:
            problems.append(f"{where} shows {found}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_no_email_in_the_outbox_tells_what_its_reader_may_not_see(full, db, persona):
    user = full.personas[persona].user
    forbidden = forbidden_markers(persona)
    for email in OutboxEmail.objects.filter(to=user.email).select_related("notification"):
        found = found_markers(f"{email.subject}\n{email.body}", forbidden)
        assert not found, f"e-mail {email.notification.kind} to {persona} shows {found}"


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_no_notification_tells_what_its_reader_may_not_see(full, db, persona):
    organisation = full.personas[persona].actor.organisation
    forbidden = forbidden_markers(persona)
    for notification in Notification.objects.filter(organisation=organisation):
        text = f"{title_for(notification)}\n{text_for(notification)}\n{notification.params}"
        found = found_markers(text, forbidden)
        assert not found, f"notification {notification.kind} to {persona} shows {found}"


def test_notifications_and_emails_exist_for_the_case(full, db):
    """Those two tests read something: the host and the referent were notified and mailed."""
    for persona in ("referent", "host", "siao"):
        organisation = full.personas[persona].actor.organisation
        assert Notification.objects.filter(organisation=organisation).exists(), persona
        assert OutboxEmail.objects.filter(to=full.personas[persona].user.email).exists(), persona


def test_expected_visibility_is_complete():
    assert set(VISIBLE) == set(PERSONAS)
    assert all(groups <= set(GROUPS) for groups in VISIBLE.values())
