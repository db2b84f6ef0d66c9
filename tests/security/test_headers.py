"""Browser hardening on every page; no personal data in URLs or log lines."""

import logging

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, PERSON, sign_in

PAGES = [
    "my_cases",
    "case_open",
    "directory",
    "case_detail",
    "person_detail",
    "case_participant_add",
    "account_login",
]


def _url(name, case):
    if name in ("case_detail", "case_participant_add"):
        return reverse(name, kwargs={"ref": case.ref})
    if name == "person_detail":
        return reverse(name, kwargs={"ref": case.person.ref})
    return reverse(name)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_a_strict_csp_and_hardening_headers(name, client, referent, case):
    if name != "account_login":
        sign_in(client, referent)
    response = client.get(_url(name, case))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    body = response.content.decode()
    assert "<script>" not in body and " style=" not in body, "inline code breaks the CSP"


@pytest.mark.parametrize("name", ["my_cases", "case_detail", "person_detail"])
def test_pages_with_personal_data_are_never_cached(name, client, referent, case):
    sign_in(client, referent)
    assert "no-store" in client.get(_url(name, case))["Cache-Control"]


def test_404_page_has_the_same_headers(client, outsider, case):
    sign_in(client, outsider)
    response = client.get(_url("case_detail", case))
    assert response.status_code == 404
    assert "Content-Security-Policy" in response


def test_no_name_in_any_link_or_form_action(client, referent, case):
    """URLs carry pseudonymous references only."""
    sign_in(client, referent)
    names = {PERSON["family_name"].lower(), PERSON["given_names"].lower()}
    import re

    for name in ("my_cases", "case_detail", "person_detail"):
        body = client.get(_url(name, case)).content.decode()
        for url in re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', body):
            assert not any(n in url.lower() for n in names), url


def test_no_personal_data_in_log_lines(client, referent, case, caplog):
    sign_in(client, referent)
    with caplog.at_level(logging.DEBUG):
        client.get(_url("case_detail", case))
        client.get(_url("person_detail", case))
        client.post(reverse("my_cases"), {"q": "Amadou Fictif"})
        client.get("/dossiers/C-0000-00/")
    text = "\n".join(record.getMessage() for record in caplog.records)
    for value in (PERSON["family_name"], PERSON["given_names"], "06 12 34 56 78", "Acacias"):
        assert value not in text


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, referent):
    response = client.post(reverse("account_login"), {"login": "referent", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_sign_in_answer_is_the_same_for_unknown_user_and_bad_password(client, referent):
    unknown = client.post(reverse("account_login"), {"login": "nobody", "password": "x" * 12})
    wrong = client.post(reverse("account_login"), {"login": "referent", "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 200

    def error_text(response):
        return response.context["form"].non_field_errors()

    assert error_text(unknown) == error_text(wrong)


def test_a_form_posted_without_its_csrf_token_is_refused(referent, case):
    from django.test import Client

    from parcours.cases.models import Contact

    client = Client(enforce_csrf_checks=True)
    sign_in(client, referent)
    response = client.post(
        reverse("case_contact", kwargs={"ref": case.ref}), {"channel": "phone", "note": "x"}
    )
    assert response.status_code == 403
    assert not Contact.objects.filter(case=case).exists()


def test_a_deactivated_account_loses_access_at_once(client, referent, case):
    sign_in(client, referent)
    url = reverse("case_detail", kwargs={"ref": case.ref})
    assert client.get(url).status_code == 200
    referent.user.is_active = False
    referent.user.save()
    assert client.get(url).status_code == 302
