"""Notifications in the application and their e-mail outbox.

A notification says what happened and where to look: a kind, a pseudonymous reference and a
link inside Parcours, never a name or anything else about the person. It is written in the same
transaction as the action it reports (so it exists exactly when the action does); its e-mails are
rows of the outbox, written in that transaction too and sent by ``parcours worker`` only (never
in a user's request), retried until they go (``parcours.alerts.notify``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """For one organisation's members, or for one member only when ``user`` is set."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # No choices: a new kind needs no migration (kinds are in parcours.alerts.kinds).
    kind = models.CharField(max_length=40)
    ref = models.CharField(max_length=20, blank=True)  # a case or referral reference, never a name
    link = models.CharField(max_length=200, blank=True)  # a path inside Parcours
    # Non-identifying details for the message (a département code, a count), never free text.
    params = models.JSONField(default=dict, blank=True)
    # The same event reported twice (a retry, a second worker round) makes one notification.
    dedup_key = models.CharField(max_length=160, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")

    def __str__(self):
        return f"{self.kind} {self.ref}".strip()

    @property
    def title(self) -> str:
        from parcours.alerts.kinds import title_for

        return title_for(self)


class NotificationRead(models.Model):
    """Who has read an organisation's notification (each member reads for themself)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "user"], name="one_read_per_user")
        ]

    def __str__(self):
        return f"{self.notification_id} {self.user_id}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxEmail(models.Model):
    """One e-mail of a notification to one address; pending until the worker sends it, retried
    with back-off. While a worker sends it, it is "sending" since ``claimed_at`` (a claim that
    gets old belongs to a worker that died, and is taken over). Every attempt carries the same
    Message-ID, made of the row's and its notification's ids (``notify.message_id``): a copy
    sent again after a crash can be recognised as the same e-mail. An e-mail of no notification
    is one of the account's security notices (a password or a second factor changed, told by
    django-allauth: ``accounts.adapters``), queued the same way."""

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)  # the error's class, no content

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(fields=["notification", "to"], name="one_email_per_address")
        ]

    def __str__(self):
        return f"{self.notification_id} {self.status}"


class AlertState(models.Model):
    """What people did about an alert, the alert itself being derived (``alerts.rules``): when
    the worker first saw it, who acknowledged or resolved it, how far it was escalated, and when
    its cause disappeared (``closed_at``: the alert closed by itself). One open state per alert;
    an alert that comes back after closing gets a new one."""

    rule = models.CharField(max_length=40)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="alert_states")
    key = models.CharField(max_length=80, blank=True)
    since = models.DateTimeField()  # when its cause appeared (the rule says)
    seen_at = models.DateTimeField()  # when the worker first saw it open
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalation = models.PositiveSmallIntegerField(default=0)  # 0 none, 1 territorial, 2 national
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "case", "key"],
                condition=Q(closed_at__isnull=True),
                name="one_open_state_per_alert",
            )
        ]
        indexes = [
            models.Index(
                fields=["case"], condition=Q(closed_at__isnull=True), name="alert_state_open"
            )
        ]

    def __str__(self):
        return f"{self.rule} {self.case_id} {self.key}".strip()


class WorkerHeartbeat(models.Model):
    """The latest round of each worker (by host name): when it ran, what each step counted and
    which steps failed (their error's class, nothing of the data). ``parcours worker --status``
    and the coordinators read it to know the periodic work is alive."""

    name = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    rounds = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    failures = models.JSONField(default=dict)

    def __str__(self):
        return self.name
