"""Tell an organisation (or one member) that something happened: ``notify``.

The notification row is written in the caller's transaction, so it exists if and only if the
action does; its e-mails wait in the outbox and are sent once the transaction has committed
(``transaction.on_commit``). An e-mail that cannot be sent stays pending and ``parcours worker``
retries it with a growing delay (``send_due``); nothing is lost and the action is never undone by
a mail server. E-mails carry the reference and a link, never anything about the person.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.alerts.kinds import KINDS, text_for, title_for
from parcours.alerts.models import Notification, OutboxEmail, OutboxStatus
from parcours.core.roles import Role

logger = logging.getLogger(__name__)

# Members of an organisation who receive its notifications by e-mail.
EMAIL_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.COORDINATOR, Role.FACILITY_STAFF)
# Minutes to wait before the next attempt, by number of failed attempts so far.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
# A claim older than this belongs to a sender that died mid-way: the e-mail is tried again.
STALE_CLAIM = datetime.timedelta(minutes=15)
BATCH = 200


def notify(
    kind: str,
    organisation,
    *,
    ref: str = "",
    link: str = "",
    user=None,
    params: dict | None = None,
    dedup_key: str | None = None,
    email: bool = True,
):
    """Record a notification for ``organisation`` (or only ``user``, a member of it) and queue
    its e-mails. With ``dedup_key``, the same event reported again makes nothing new (None)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if link and not link.startswith("/"):
        raise ValueError("a notification links to a path inside Parcours")
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the caller's work intact
            notification = Notification.objects.create(
                organisation=organisation,
                user=user,
                kind=kind,
                ref=ref,
                link=link,
                params=params or {},
                dedup_key=dedup_key,
            )
    except IntegrityError:
        if dedup_key and Notification.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    if email:
        _queue_emails(notification)
    return notification


def recipients(notification) -> list[str]:
    """Addresses of the active members who should get the e-mail."""
    from parcours.accounts.models import User

    users = User.objects.filter(
        is_active=True,
        memberships__organisation=notification.organisation,
        memberships__active=True,
        memberships__role__in=EMAIL_ROLES,
    ).exclude(email="")
    if notification.user_id:
        users = users.filter(pk=notification.user_id)
    return sorted(set(users.values_list("email", flat=True)))


def _queue_emails(notification) -> None:
    addresses = recipients(notification)
    if not addresses:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = title_for(notification)
        lines = [title, text_for(notification)]
        if notification.link:
            lines.append(settings.BASE_URL + notification.link)
        lines.append(
            _(
                "This message says nothing about the person, on purpose. "
                "Sign in to Parcours to read more."
            )
        )
        subject = _("Parcours: %(title)s") % {"title": title}
    body = "\n\n".join(line for line in lines if line)
    now = timezone.now()
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            notification=notification,
            to=address,
            subject=subject[:200],
            body=body,
            next_attempt_at=now,
        )
        for address in addresses
    )
    ids = list(notification.emails.values_list("pk", flat=True))
    transaction.on_commit(lambda: send_due(ids=ids))


def _due(now):
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    )


def send_due(now=None, ids=None) -> int:
    """Send the e-mails that are due (or only ``ids``); return how many went. Each e-mail is
    claimed by one sender first, so two workers never send the same one."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(_due(now))
    if ids is not None:
        due = due.filter(pk__in=ids)
    sent = 0
    for pk in list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:BATCH]):
        claimed = OutboxEmail.objects.filter(_due(now), pk=pk).update(
            status=OutboxStatus.SENDING, claimed_at=now
        )
        if not claimed:
            continue  # another sender has it
        email = OutboxEmail.objects.get(pk=pk)
        attempts = email.attempts + 1
        try:
            send_mail(email.subject, email.body, None, [email.to])
        except Exception as error:  # any failure: keep it for later, the action stands
            failed = attempts >= MAX_ATTEMPTS
            delay = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
            OutboxEmail.objects.filter(pk=pk).update(
                status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
                attempts=attempts,
                claimed_at=None,
                next_attempt_at=now + datetime.timedelta(minutes=delay),
                last_error=type(error).__name__[:200],
            )
            logger.warning("notification e-mail %s not sent (attempt %s)", pk, attempts)
        else:
            OutboxEmail.objects.filter(pk=pk).update(
                status=OutboxStatus.SENT, attempts=attempts, claimed_at=None, sent_at=now
            )
            sent += 1
    return sent
