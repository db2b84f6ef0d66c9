"""The account's security notices (django-allauth tells a user by e-mail that her password or a
second factor changed) leave through the worker's outbox like every other e-mail: never inside
the request, so the mail server's delay or failure never reaches the page, and once only."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from parcours.alerts.models import OutboxEmail, OutboxStatus
from parcours.alerts.notify import message_id, send_due
from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-horse-staple-7"  # noqa: S105  (tests only)


class DownBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def _change_password(client, persona):
    persona.user.email = "referente@exemple.test"  # fictional
    persona.user.save(update_fields=["email"])
    sign_in(client, persona)
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_a_changed_password_is_told_by_the_worker_once_never_in_the_request(
    client, referent, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = referent.user
    response = _change_password(client, referent)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert mail.outbox == []  # nothing sent while she waited for the page
    queued = OutboxEmail.objects.get(to=user.email)
    assert queued.notification is None and queued.status == OutboxStatus.PENDING
    assert queued.subject and "\n" not in queued.subject and "<" not in queued.body

    assert send_due() == 1
    assert send_due() == 0  # the next round finds it sent
    [sent] = mail.outbox
    assert sent.to == [user.email] and sent.subject == queued.subject
    assert sent.extra_headers["Message-ID"] == message_id(queued)
    assert ".0@" in message_id(queued)  # no notification: its number is 0


def test_a_mail_server_that_fails_changes_nothing_for_the_person_changing_her_password(
    client, referent, settings
):
    settings.EMAIL_BACKEND = "tests.accounts.test_security_emails.DownBackend"
    response = _change_password(client, referent)
    assert response.status_code == 302
    assert OutboxEmail.objects.filter(to=referent.user.email, status="pending").exists()
