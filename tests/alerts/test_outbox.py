"""Notifications and their e-mail outbox: written with the action, sent after commit, retried
when the mail server is down, never sent twice, never naming the person."""

import datetime
import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from parcours.alerts import inbox
from parcours.alerts.models import Notification, OutboxEmail
from parcours.alerts.notify import MAX_ATTEMPTS, notify, send_due
from parcours.cases.notices import tell_referent
from tests import personas
from tests.conftest import sign_in


@pytest.fixture
def with_email(referent):
    referent.user.email = "referent@demo.invalid"
    referent.user.save()
    return referent


def test_the_email_leaves_after_the_commit_only(
    with_email, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell_referent(case, "contact_lost", {"days": 30})
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["referent@demo.invalid"]
    assert case.ref in message.subject and f"/dossiers/{case.ref}/" in message.body
    # Nothing about the person: not the name the case fixture gave
    assert case.person.full_name not in message.body + message.subject
    assert OutboxEmail.objects.get().status == "sent"


def test_a_rolled_back_action_notifies_nobody(with_email, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                tell_referent(case, "contact_lost", {"days": 30})
                raise RuntimeError("the action failed")
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_failed_email_is_retried_later_and_sent_once(
    clock, with_email, case, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.access.failing_mail.Backend"
    with django_capture_on_commit_callbacks(execute=True):
        tell_referent(case, "contact_lost", {"days": 30})
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
    assert len(mail.outbox) == 1
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
    # ... unless that sender died long ago
    assert send_due(now + datetime.timedelta(hours=1)) == 1
    assert len(mail.outbox) == 1


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
