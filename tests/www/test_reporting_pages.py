"""The reporting pages: the public page (no account, no script, strict CSP, a receipt number
and nothing else; floods refused politely; the robots' trap; size limits with clear messages)
and the territorial coordinator's triage pages (the queue, a report, a case opened from it or
the report closed); 404 for everybody else."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from parcours.audit.models import JournalEntry
from parcours.cases.models import Case
from parcours.reporting.enums import ReportStatus
from parcours.reporting.models import SEEN_MAX_CHARS, Report
from tests import personas
from tests.conftest import sign_in
from tests.reporting import SEEN, form_data, make_report

pytestmark = pytest.mark.django_db

NEW = "/signalement/"
LINK = "https://exemple.invalid/annonce"


def _post(client, address="192.0.2.10", language="en", **changes):
    return client.post(
        NEW, form_data(**changes), REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language
    )


def test_the_public_page_needs_no_account_and_keeps_the_csp(client):
    response = client.get(NEW)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    assert " style=" not in html
    trap = re.search(r'<div class="parcours-trap" aria-hidden="true">.*?</div>', html, re.S)
    assert trap and 'name="website"' in trap.group(0) and 'tabindex="-1"' in trap.group(0)


def test_a_report_gives_a_receipt_number_and_nothing_else(client, territorial):
    response = _post(client)
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    report = Report.objects.get()
    assert report.departement == "33" and report.seen == SEEN
    html = receipt.content.decode()
    assert report.ref in html
    assert "restaurant" not in html and "Bordeaux" not in html


def test_a_receipt_link_cannot_be_made_up(client):
    assert client.get(reverse("report_receipt", kwargs={"token": "S-AAAA-A0"})).status_code == 404


def test_an_unknown_commune_is_a_clear_message_and_nothing_is_saved(client):
    response = _post(client, commune="Nullepartville")
    assert response.status_code == 400
    assert "Nullepartville" in response.content.decode()
    assert not Report.objects.exists()


def test_a_text_too_long_says_so_in_french(client):
    response = _post(client, language="fr", seen="x" * (SEEN_MAX_CHARS + 1))
    assert response.status_code == 400
    assert "trop long" in response.content.decode()
    assert not Report.objects.exists()


def test_the_trap_filled_answers_as_if_received_and_stores_nothing(client, territorial):
    response = _post(client, website="http://robot.invalid")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert not Report.objects.exists()


@override_settings(REPORT_RATE_LIMIT=5)
def test_a_flood_is_refused_politely_and_another_address_passes(client):
    for _ in range(5):
        assert _post(client, address="203.0.113.5").status_code == 302
    refused = _post(client, address="203.0.113.5", language="fr")
    assert refused.status_code == 429
    assert "Trop de signalements" in refused.content.decode()
    english = _post(client, address="203.0.113.5", language="en")
    assert "Too many reports" in english.content.decode()
    assert Report.objects.count() == 5
    assert _post(client, address="198.51.100.9").status_code == 302
    assert Report.objects.count() == 6


def test_the_queue_is_the_territorial_coordinator_s(client, territorial):
    report = make_report(seen=f"Annonce vue sur {LINK} <b>gras</b> pour des ménages.")
    sign_in(client, territorial)
    response = client.get(reverse("report_queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert report.ref in html and "Bordeaux (33)" in html
    assert LINK in html and f'href="{LINK}"' not in html  # never a link
    assert "<b>gras</b>" not in html and "&lt;b&gt;gras&lt;/b&gt;" in html
    assert JournalEntry.objects.filter(action="report.list", object_ref=report.ref).exists()


@pytest.mark.parametrize("who", ["anonymous", "referent", "coordinator", "coord06"])
def test_everybody_else_gets_404_or_the_sign_in(client, who, request):
    report = make_report()
    urls = [
        ("get", reverse("report_queue")),
        ("get", reverse("report_detail", kwargs={"pk": report.pk})),
        ("post", reverse("report_open_case", kwargs={"pk": report.pk})),
        ("post", reverse("report_close", kwargs={"pk": report.pk})),
    ]
    if who == "coord06":
        sign_in(client, personas.territorial("coord06", dep="06"))
    elif who != "anonymous":
        sign_in(client, request.getfixturevalue(who))
    if who == "coord06":  # its own queue, where this report is not
        queue = client.get(urls.pop(0)[1])
        assert queue.status_code == 200 and report.ref not in queue.content.decode()
    for method, url in urls:
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/compte/login/" in response["Location"]
        else:
            assert response.status_code == 404, (who, url)
    assert Report.objects.get().status == ReportStatus.NEW


def test_the_coordinator_opens_a_case_from_the_report_page(client, territorial, referent):
    report = make_report()
    association = referent.actor.organisation
    sign_in(client, territorial)
    page = client.get(reverse("report_detail", kwargs={"pk": report.pk}))
    assert page.status_code == 200 and association.name in page.content.decode()
    url = reverse("report_open_case", kwargs={"pk": report.pk})
    assert client.post(url, {}).status_code == 400  # no organisation chosen: nothing done
    assert not Case.objects.exists()
    response = client.post(url, {"organisation": association.pk, "name": ""})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.referent_org == association
    # The association's caseworker reads the case and the reporter's words.
    sign_in(client, referent)
    case_page = client.get(case.get_absolute_url())
    assert case_page.status_code == 200
    assert "restaurant fictif" in case_page.content.decode()


def test_the_coordinator_closes_a_report_with_a_reason(client, territorial):
    report = make_report()
    sign_in(client, territorial)
    url = reverse("report_close", kwargs={"pk": report.pk})
    missing_note = client.post(url, {"reason": "other", "note": ""})
    assert missing_note.status_code == 400
    assert Report.objects.get().status == ReportStatus.NEW
    response = client.post(url, {"reason": "duplicate", "note": "Même que S-précédent"})
    assert response.status_code == 302 and response["Location"] == reverse("report_queue")
    assert Report.objects.get().status == ReportStatus.CLOSED
    page = client.get(reverse("report_detail", kwargs={"pk": report.pk}))
    assert "Doublon d" in page.content.decode()  # the coded reason, in French
