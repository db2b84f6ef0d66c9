"""Case conferences: a meeting of the organisations of a pathway on one person's situation.

Everything written about the person (agenda, decisions, cancellation reason) is encrypted and
belongs to one field group: a reader sees an item only if it sees that group on the case
(``parcours.access.rules.groups_for``). Every other free text (the place, the consent's language
and interpreter) is encrypted too; invitations and attendance are codes and dates only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.conferences.enums import ConferenceStatus
from parcours.core.fields import EncryptedTextField
from parcours.core.groups import FieldGroup
from parcours.core.models import ConsentRecord


class Conference(models.Model):
    """A case conference convened on one case by the referent or a coordinator.

    Planned, then held (attendance and decisions recorded, once, after the person consented to
    the discussion) or cancelled; the status moves only through ``parcours.conferences.services``.
    ``version`` makes a change from a stale page fail. ``place`` is where the organisations
    meet, never where the person lives; it is encrypted all the same (a meeting place can
    locate the person on the day). Its length limit (200) is the form's.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="conferences")
    at = models.DateTimeField(_("when"))
    place = EncryptedTextField(_("where"), blank=True, default="")
    person_invited = models.BooleanField(_("the person is invited"), default=False)
    person_attended = models.BooleanField(_("the person attended"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConferenceStatus.choices,
        default=ConferenceStatus.PLANNED,
    )
    convened_by_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    convened_at = models.DateTimeField()
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = EncryptedTextField(_("reason"), blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConferenceStatus.values), name="conference_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ConferenceStatus.HELD)
                    & Q(recorded_at__isnull=False, recorded_by__isnull=False)
                )
                | (~Q(status=ConferenceStatus.HELD) & Q(recorded_at__isnull=True)),
                name="conference_recorded_when_held",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ConferenceStatus.CANCELLED)
                    & Q(cancelled_at__isnull=False, cancelled_by__isnull=False)
                )
                | (~Q(status=ConferenceStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="conference_cancelled_at_matches_status",
            ),
        ]

    def __str__(self):
        return f"conference {self.pk} on {self.case_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("conference_detail", kwargs={"ref": self.case.ref, "pk": self.pk})


class ConferenceConsent(ConsentRecord):
    """The person's consent to having their situation discussed at this conference.

    Recorded by the referent (the person gave it to them), with how, in which language and
    through which interpreter, like a consent to share (``parcours.referrals.models.Consent``);
    language and interpreter are encrypted (they point at the person's origin), their length
    limits (60, 200) are the form's. Without it the conference cannot be recorded as held.
    """

    conference = models.OneToOneField(Conference, on_delete=models.CASCADE, related_name="consent")

    class Meta:
        verbose_name = _("consent to a case conference")

    def __str__(self):
        return f"consent to conference {self.conference_id} ({self.given_on})"


class Invitation(models.Model):
    """An organisation invited to the conference, and whether it attended (unknown until the
    conference is recorded)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="conference_invitations"
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "organisation"], name="invitation_unique_organisation"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} invited to {self.conference_id}"


class AgendaItem(models.Model):
    """One point to discuss. Its text belongs to ``group``: only readers who see that group on
    the case see the item, in pages and in the minutes."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    group = models.CharField(_("group"), max_length=16, choices=FieldGroup.choices)
    text = EncryptedTextField(_("item"))

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=FieldGroup.values), name="agenda_item_group_valid"
            )
        ]

    def __str__(self):
        return f"agenda item {self.position} of {self.conference_id}"


class Decision(models.Model):
    """A decision taken at the conference: what, by which organisation, by when. Its text
    belongs to ``group``; it became ``task`` for its owner organisation."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField()
    group = models.CharField(_("group"), max_length=16, choices=FieldGroup.choices)
    text = EncryptedTextField(_("decision"))
    owner_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("by"), null=True, blank=True)
    task = models.OneToOneField(
        "cases.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=FieldGroup.values), name="decision_group_valid"
            )
        ]

    def __str__(self):
        return f"decision {self.position} of {self.conference_id}"
