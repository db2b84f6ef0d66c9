"""Notifications and their e-mail outbox: written with the action, sent by the worker only
(never in the request), retried when the mail server is down, never sent twice (each attempt
with the same Message-ID), never naming the person. Killing the worker while it sends:
``test_outbox_kill.py``."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from parcours.alerts import inbox
from parcours.alerts.models import Notification, OutboxEmail
from parcours.alerts.notify import (
    IDEMPOTENCY_HEADER,
    MAX_ATTEMPTS,
    message_id,
    notify,
    send_due,
)
from parcours.cases.notices import tell_referent
from tests import personas
from tests.conftest import sign_in

REASON = "Appel de la gendarmerie : la personne est signalée en danger immédiat ce soir."


@pytest.fixture
def with_email(referent):
    referent.user.email = "referent@demo.invalid"
    referent.user.save()
    return referent


def test_the_email_leaves_after_the_commit_only(
    with_email, case, django_capture_on_commit_callbacks
):
    """... and by the worker only: the commit sends nothing by itself."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell_referent(case, "contact_lost", {"days": 30})
    assert callbacks == [] and mail.outbox == []
    email = OutboxEmail.objects.get()
    assert email.status == "pending" and email.to == "referent@demo.invalid"
    assert send_due() == 1  # the worker's e-mail step
    (message,) = mail.outbox
    assert message.to == ["referent@demo.invalid"]
    assert case.ref in message.subject and f"/dossiers/{case.ref}/" in message.body
    # Nothing about the person: not the name the case fixture gave
    assert case.person.full_name not in message.body + message.subject
    email.refresh_from_db()
    assert (email.status, email.attempts, email.claimed_at) == ("sent", 1, None)


def test_an_action_in_a_request_sends_no_email_one_worker_round_does(
    client, coordinator, with_email, case, django_capture_on_commit_callbacks
):
    """Issue 15, item 4: no mail server in the user's request (its latency, its failures)."""
    sign_in(client, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("break_glass"), {"ref": case.ref, "reason": REASON, "step": "confirm"}
        )
    assert response.status_code == 302
    assert mail.outbox == []
    email = OutboxEmail.objects.get(to="referent@demo.invalid")
    assert (email.status, email.attempts) == ("pending", 0)
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "e-mails sent: 1" in out.getvalue()
    (message,) = mail.outbox
    assert message.to == ["referent@demo.invalid"] and case.ref in message.subject
    assert "Amadou" not in message.body + message.subject
    email.refresh_from_db()
    assert email.status == "sent"


def test_each_email_has_its_own_message_id_the_same_at_every_attempt(with_email, case):
    """The idempotency key: a copy sent again (a retry, a worker that died after the server
    accepted the e-mail) carries the Message-ID of the first, so it can be dropped."""
    colleague = personas.colleague(with_email, "colleague")
    colleague.user.email = "colleague@demo.invalid"
    colleague.user.save()
    tell_referent(case, "contact_lost", {"days": 30})
    first, second = OutboxEmail.objects.order_by("pk")
    assert message_id(first) == f"<outbox-{first.pk}.{first.notification_id}@localhost>"
    assert message_id(first) != message_id(second)
    assert send_due() == 2
    sent = {message.to[0]: message for message in mail.outbox}
    for email in (first, second):
        message = sent[email.to].message()
        assert message["Message-ID"] == message[IDEMPOTENCY_HEADER] == message_id(email)
    # Sent again (as after a crash between the server's acceptance and the row marked sent):
    # the same Message-ID, nothing about the person or the address in it.
    OutboxEmail.objects.filter(pk=first.pk).update(status="pending", next_attempt_at=timezone.now())
    assert send_due() == 1
    again = mail.outbox[-1].message()
    assert again["Message-ID"] == sent[first.to].message()["Message-ID"]
    assert "referent" not in again["Message-ID"] and case.ref not in again["Message-ID"]


def test_the_message_id_is_at_the_senders_domain(with_email, case, settings):
    settings.DEFAULT_FROM_EMAIL = "Parcours <parcours@parcours.exemple.gouv.fr>"
    tell_referent(case, "contact_lost", {"days": 30})
    assert message_id(OutboxEmail.objects.get()).endswith("@parcours.exemple.gouv.fr>")


def test_a_rolled_back_action_notifies_nobody(with_email, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                tell_referent(case, "contact_lost", {"days": 30})
                raise RuntimeError("the action failed")
    assert send_due() == 0
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_failed_email_is_retried_later_and_sent_once(clock, with_email, case, settings):
    settings.EMAIL_BACKEND = "tests.access.failing_mail.Backend"
    tell_referent(case, "contact_lost", {"days": 30})
    assert send_due() == 0  # the worker's first attempt: the server is down
    email = OutboxEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 1)
    assert email.next_attempt_at > timezone.now()
    # Not due yet: nothing happens; once due and the server back, it goes, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due() == 0
    clock.shift(datetime.timedelta(seconds=59))
    assert send_due() == 0
    clock.shift(datetime.timedelta(seconds=1))  # the first back-off: one minute
    assert send_due() == 1
    clock.shift(datetime.timedelta(hours=1))
    assert send_due() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["referent@demo.invalid"]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


def test_after_the_last_attempt_the_email_is_marked_failed(with_email, case, settings):
    settings.EMAIL_BACKEND = "tests.access.failing_mail.Backend"
    tell_referent(case, "contact_lost", {"days": 30})
    when = timezone.now()
    for _attempt in range(MAX_ATTEMPTS + 2):
        send_due(when)
        when += datetime.timedelta(days=1)
    email = OutboxEmail.objects.get()
    assert (email.status, email.attempts) == ("failed", MAX_ATTEMPTS)
    assert Notification.objects.count() == 1  # still in the application


def test_an_email_claimed_by_another_sender_is_not_sent_again(with_email, case):
    tell_referent(case, "contact_lost", {"days": 30})
    now = timezone.now()
    OutboxEmail.objects.update(status="sending", claimed_at=now)  # another worker has it
    assert send_due(now + datetime.timedelta(minutes=1)) == 0
    # ... unless that sender died long ago: sent, with the Message-ID it would have had
    assert send_due(now + datetime.timedelta(hours=1)) == 1
    (message,) = mail.outbox
    assert message.to == ["referent@demo.invalid"]
    assert message.message()["Message-ID"] == message_id(OutboxEmail.objects.get())


def test_the_delay_before_a_claim_is_taken_over_is_a_setting(with_email, case, settings):
    settings.OUTBOX_STALE_CLAIM_SECONDS = 60
    tell_referent(case, "contact_lost", {"days": 30})
    now = timezone.now()
    OutboxEmail.objects.update(status="sending", claimed_at=now)
    assert send_due(now + datetime.timedelta(seconds=59)) == 0
    assert send_due(now + datetime.timedelta(seconds=61)) == 1


class _ClosingBackend(LocmemBackend):
    """Records the outbox's statuses when the connection is closed, then fails to close (the
    server gone after accepting)."""

    statuses: list = []

    def close(self):
        type(self).statuses.append(list(OutboxEmail.objects.values_list("status", flat=True)))
        raise ConnectionResetError("the server hung up")


def test_an_email_is_marked_sent_before_the_connection_is_closed(with_email, case, settings):
    """The window where a kill sends an e-mail twice ends with its UPDATE, not with the QUIT."""
    settings.EMAIL_BACKEND = "tests.alerts.test_outbox._ClosingBackend"
    _ClosingBackend.statuses = []
    tell_referent(case, "contact_lost", {"days": 30})
    assert send_due() == 1  # a failed goodbye changes nothing: it was accepted
    assert _ClosingBackend.statuses == [["sent"]]
    assert OutboxEmail.objects.get().status == "sent"


class _TakenOverBackend(LocmemBackend):
    """While this sender waits for the server, another worker takes the claim over and sends
    the e-mail; then this one's connection fails."""

    def send_messages(self, messages):
        OutboxEmail.objects.update(status="sent", claimed_at=None, sent_at=timezone.now())
        raise TimeoutError("no answer")


def test_a_failure_does_not_undo_what_the_sender_that_took_over_did(with_email, case, settings):
    settings.EMAIL_BACKEND = "tests.alerts.test_outbox._TakenOverBackend"
    tell_referent(case, "contact_lost", {"days": 30})
    assert send_due() == 0
    email = OutboxEmail.objects.get()
    assert email.status == "sent" and email.attempts == 0  # not put back to pending: not re-sent


def test_the_same_event_twice_makes_one_notification(case):
    first = tell_referent(case, "contact_lost", {"days": 30}, dedup_key="x:1")
    second = tell_referent(case, "contact_lost", {"days": 30}, dedup_key="x:1")
    assert first is not None and second is None
    assert Notification.objects.count() == 1


def test_members_see_their_organisations_notifications_only(referent, participant, case):
    notification = tell_referent(case, "contact_lost", {"days": 30})
    assert list(inbox.for_actor(referent.actor)) == [notification]
    assert list(inbox.for_actor(participant.actor)) == []
    colleague = personas.colleague(referent, "colleague")
    assert inbox.unread_count(colleague.actor) == 1
    inbox.mark_read(referent.actor, [notification])
    assert inbox.unread_count(referent.actor) == 0
    assert inbox.unread_count(colleague.actor) == 1  # each member reads for themself


def test_a_personal_notification_is_for_that_member_only(referent, case):
    colleague = personas.colleague(referent, "colleague")
    notify("task_assigned", referent.actor.organisation, ref=case.ref, user=referent.user)
    assert inbox.unread_count(referent.actor) == 1
    assert inbox.unread_count(colleague.actor) == 0


def test_unknown_kinds_and_outside_links_are_refused(referent):
    with pytest.raises(ValueError):
        notify("no_such_kind", referent.actor.organisation)
    with pytest.raises(ValueError):
        notify("contact_lost", referent.actor.organisation, link="https://elsewhere.invalid/")


def test_the_bell_counts_up_to_99_then_says_99_plus(client, referent, monkeypatch):
    from parcours.alerts import inbox
    from parcours.alerts.models import Notification

    Notification.objects.bulk_create(
        Notification(organisation=referent.actor.organisation, kind="contact_lost")
        for _ in range(3)
    )
    assert inbox.bell_label(referent.actor) == "3"
    monkeypatch.setattr(inbox, "BELL_CAP", 2)
    assert inbox.bell_label(referent.actor) == "2+"
    sign_in(client, referent)
    page = client.get(reverse("my_cases")).content.decode()
    assert re.search(r'data-testid="unread-count">2\+</span>', page)
