"""Public reports (signalements) and the rate limit of the public page.

A report is what someone who does not use Parcours saw, where (a commune, which gives the
département whose territorial coordination triages it), and optionally how to reach them; all of
it encrypted like case data. Nothing else about the reporter is kept: the page's rate limit
counts reports per keyed hash of the address, in rows deleted once their window is over.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.fields import EncryptedTextField
from parcours.core.models import FreshReference
from parcours.core.refs import new_reference
from parcours.reporting.enums import CloseReason, ReportStatus

REF_PREFIX = "S"
SEEN_MAX_CHARS = 5000
SEEN_MIN_CHARS = 20
CONTACT_MAX_CHARS = 300
CLOSE_NOTE_MAX_CHARS = 2000


def new_report_ref() -> str:
    return new_reference(REF_PREFIX)


class ReportQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The reports ``actor`` triages: those of the département of their territorial
        coordination (``parcours.reporting.triage.can_triage``); nobody else sees any."""
        from parcours.reporting.triage import triage_departement

        departement = triage_departement(actor)
        if not departement:
            return self.none()
        return self.filter(departement=departement)


class Report(FreshReference, models.Model):
    """A suspected situation reported through the public page, without an account.

    The territorial coordination of its département triages it: opens a case for a referent
    organisation of the département (``case``), or closes it with a coded reason and a note.
    Who handled it and when is kept; the reporter is only what they typed (``contact``).
    """

    REF_PREFIX = REF_PREFIX

    ref = models.CharField(max_length=12, unique=True, default=new_report_ref, editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    departement = models.CharField(_("département"), max_length=3)
    commune_code = EncryptedTextField(_("commune"))
    seen = EncryptedTextField(_("what was seen"))
    contact = EncryptedTextField(_("how to reach the reporter"), blank=True, default="")
    # The public form's one-time token: the same form posted twice makes one report.
    submit_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    close_reason = models.CharField(
        _("reason"), max_length=24, choices=CloseReason.choices, blank=True, default=""
    )
    close_note = EncryptedTextField(_("note"), blank=True, default="")
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_by_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["received_at", "pk"]
        indexes = [
            models.Index(
                fields=["departement", "status", "received_at"], name="report_triage_queue"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ReportStatus.NEW)
                    & Q(case__isnull=True)
                    & Q(handled_at__isnull=True)
                    & Q(close_reason="")
                )
                | (
                    Q(status=ReportStatus.CASE_OPENED)
                    & Q(case__isnull=False)
                    & Q(handled_at__isnull=False)
                    & Q(close_reason="")
                )
                | (
                    Q(status=ReportStatus.CLOSED)
                    & Q(case__isnull=True)
                    & Q(handled_at__isnull=False)
                    & Q(close_reason__in=CloseReason.values)
                ),
                name="report_handling_matches_status",
            ),
        ]

    def __str__(self):
        return self.ref


class SubmissionWindow(models.Model):
    """How many reports one address sent during one window of the rate limit
    (``parcours.reporting.limits``). ``address`` is a keyed hash of the address and the window
    (never the address itself, and not linkable from one window to the next); a row is deleted
    once its window is over."""

    address = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address", "window_start"], name="reporting_window_unique"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="reporting_window_start")]

    def __str__(self):
        return f"{self.window_start:%Y-%m-%d %H:%M} ×{self.count}"
