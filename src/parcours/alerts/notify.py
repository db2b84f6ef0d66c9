"""Tell an organisation (or one member) that something happened: ``notify``.

The notification row is written in the caller's transaction, so it exists if and only if the
action does; its e-mails are rows of the outbox, written in the same transaction. They are sent
by ``parcours worker`` only (its step "e-mails sent", ``send_due``), never inside a user's
request: a slow or unreachable mail server delays the e-mails, never a page. An e-mail that
cannot be sent stays pending and is retried with a growing delay; nothing is lost and the action
is never undone by a mail server. E-mails carry the reference and a link, never anything about
the person.

The worker may be killed (SIGKILL included) at any moment and restarted:

- each e-mail is claimed (pending → sending, a conditional UPDATE: one sender only), sent, then
  marked sent at once; the worker is in no transaction, so each of these UPDATEs is committed
  when it returns;
- a claim that stays (its sender died) is taken over once it is older than
  ``settings.OUTBOX_STALE_CLAIM_SECONDS`` (15 minutes by default) and the e-mail sent again.
  At most one e-mail per dead worker waits so: a worker claims one row at a time, just before
  sending it. (Recognising the claims of a dead process at once, by host and pid, was left
  aside: in containers a restarted worker often has the same host name and pid as the one that
  died, and a claim of another machine still needs the delay.)
- the only window where an e-mail may go twice is between the mail server's acceptance (its
  reply to the end of DATA) and the commit of the UPDATE that marks it sent: one UPDATE by
  primary key, a few milliseconds (the connection's QUIT comes after it, outside the window).
  A worker killed there, or a database lost there, leaves the claim, and the e-mail is sent
  again later **with the same Message-ID** (and ``X-Parcours-Idempotency-Key``), derived from
  the row (``message_id``): a mail system or a reader that drops duplicates by Message-ID shows
  it once. Outside that window, no e-mail is sent twice and none is lost
  (``tests/alerts/test_outbox_kill.py`` kills a worker in the middle of a sending pass).
"""

import datetime
import logging
from contextlib import suppress
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
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
BATCH = 200
# Carries the same value as the Message-ID: relays that rewrite the Message-ID keep it.
IDEMPOTENCY_HEADER = "X-Parcours-Idempotency-Key"


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
    # Sent by the worker's next round (``send_due``), never here: the caller may be a request.


def queue_email(to: str, subject: str, body: str) -> OutboxEmail:
    """Queue an e-mail that belongs to no notification (an account's security notice), in the
    caller's transaction; the worker's next round sends it, like the others."""
    one_line = " ".join(subject.splitlines()).strip()
    return OutboxEmail.objects.create(
        to=to, subject=one_line[:200], body=body, next_attempt_at=timezone.now()
    )


def stale_claim() -> datetime.timedelta:
    """How old a claim must be to belong to a sender that died (``OUTBOX_STALE_CLAIM_SECONDS``)."""
    return datetime.timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)


def message_id(email: OutboxEmail) -> str:
    """The e-mail's Message-ID, the same at every attempt: its idempotency key. Made of the
    outbox row and its notification (numbers, nothing about anyone) at the sender's domain."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    domain = domain or urlsplit(settings.BASE_URL).hostname or "localhost"
    return f"<outbox-{email.pk}.{email.notification_id or 0}@{domain}>"


def _message(email: OutboxEmail) -> EmailMessage:
    key = message_id(email)
    return EmailMessage(
        email.subject,
        email.body,
        None,  # DEFAULT_FROM_EMAIL
        [email.to],
        headers={"Message-ID": key, IDEMPOTENCY_HEADER: key},
    )


def _due(now):
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_at__lt=now - stale_claim()
    )


def _close(connection) -> None:
    """Say goodbye to the mail server; what it answers no longer matters (the e-mails of the
    connection are marked already)."""
    if connection is not None:
        with suppress(Exception):
            connection.close()


def send_due(now=None) -> int:
    """Send the e-mails that are due at ``now`` (the worker's round); return how many went.

    Called by the worker only, outside any transaction (see the module's docstring): each
    e-mail is claimed by one sender first, so two workers never send the same one, and marked
    sent as soon as the server has accepted it. One connection to the server serves the pass;
    after a failure the next e-mail opens a new one."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    sent, connection = 0, None
    try:
        for pk in list(due.values_list("pk", flat=True)[:BATCH]):
            # The claim's time is the real time (a long pass must not make its later claims
            # look old to another worker), never before the round's.
            claimed_at = max(now, timezone.now())
            claimed = OutboxEmail.objects.filter(_due(now), pk=pk).update(
                status=OutboxStatus.SENDING, claimed_at=claimed_at
            )
            if not claimed:
                continue  # another sender has it
            email = OutboxEmail.objects.filter(pk=pk).first()
            if email is None:
                continue  # its notification was deleted meanwhile
            attempts = email.attempts + 1
            try:
                if connection is None:
                    connection = get_connection()
                    connection.open()  # kept open: the e-mail is marked before the QUIT
                if connection.send_messages([_message(email)]) != 1:
                    raise RuntimeError("the mail backend sent nothing")
            except Exception as error:  # any failure: keep it for later, the action stands
                _close(connection)
                connection = None
                failed = attempts >= MAX_ATTEMPTS
                delay = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
                # Only while the claim is still ours: a sender that took it over may have sent it.
                OutboxEmail.objects.filter(
                    pk=pk, status=OutboxStatus.SENDING, claimed_at=claimed_at
                ).update(
                    status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
                    attempts=attempts,
                    claimed_at=None,
                    next_attempt_at=now + datetime.timedelta(minutes=delay),
                    last_error=type(error).__name__[:200],
                )
                logger.warning("notification e-mail %s not sent (attempt %s)", pk, attempts)
            else:
                # At once: from the server's acceptance to this commit is the only window where
                # a kill makes the e-mail go twice (with the same Message-ID).
                OutboxEmail.objects.filter(pk=pk).update(
                    status=OutboxStatus.SENT,
                    attempts=attempts,
                    claimed_at=None,
                    sent_at=max(now, timezone.now()),
                )
                sent += 1
    finally:
        _close(connection)
    return sent
