"""Filing a public report: stored encrypted, for the département of its commune, journaled, the
territorial coordination told (with codes only); a form posted twice makes one report; the
robots' trap stores nothing."""

import uuid

import pytest
from django.db import connection

from parcours.alerts.kinds import text_for, title_for
from parcours.alerts.models import Notification
from parcours.audit.models import JournalEntry
from parcours.reporting import submit
from parcours.reporting.models import Report, SubmissionWindow
from tests import personas
from tests.reporting import CONTACT, SEEN, commune, make_report

pytestmark = pytest.mark.django_db


def test_a_report_is_stored_encrypted_for_the_departement_of_its_commune(territorial):
    report = make_report("Grasse")
    assert report.ref.startswith("S-") and report.departement == "06"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seen, contact, commune_code FROM reporting_report WHERE id = %s", [report.pk]
        )
        raw = " ".join(cursor.fetchone())
    assert "restaurant" not in raw and "06 00" not in raw and "06069" not in raw
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.seen, fresh.contact, fresh.commune_code) == (SEEN, CONTACT, "06069")


def test_the_territorial_coordination_is_told_with_codes_only(territorial):
    elsewhere = personas.territorial("coord06", dep="06")
    report = make_report("Bordeaux")
    notification = Notification.objects.get(kind="report_received")
    assert notification.organisation == territorial.actor.organisation
    assert notification.ref == report.ref
    assert notification.link == f"/coordination/signalements/{report.pk}/"
    shown = title_for(notification) + text_for(notification)
    assert "Gironde (33)" in shown and "restaurant" not in shown
    assert not Notification.objects.filter(organisation=elsewhere.actor.organisation).exists()


def test_a_departement_without_coordination_tells_the_national_one(coordinator):
    report = make_report("Agen")  # Lot-et-Garonne: no territorial coordination here
    notification = Notification.objects.get()
    assert notification.organisation == coordinator.actor.organisation
    assert (notification.kind, notification.ref, notification.link) == (
        "report_without_coordination",
        report.ref,
        "",
    )


def test_the_report_is_journaled_without_a_user():
    report = make_report()
    entry = JournalEntry.objects.get(action="report.submit")
    assert entry.object_ref == report.ref and entry.user is None and entry.organisation is None


def test_the_same_form_posted_twice_makes_one_report_counted_once():
    token = uuid.uuid4()
    first = submit.receive(address="192.0.2.7", commune=commune(), seen=SEEN, token=token)
    again = submit.receive(address="192.0.2.7", commune=commune(), seen=SEEN, token=token)
    assert first == again and Report.objects.count() == 1
    assert SubmissionWindow.objects.get().count == 1


def test_the_trap_answers_a_receipt_and_stores_no_report(territorial):
    ref = submit.receive(address="192.0.2.8", commune=commune(), seen=SEEN, trap=True)
    assert ref.startswith("S-")
    assert not Report.objects.exists()
    assert not Notification.objects.exists()
    assert not JournalEntry.objects.filter(action="report.submit").exists()
