"""Facts recorded on a case for the rights engine: one row per answer (who said so, when); the
newest answer to a question is the fact. Values are encrypted: they are the person's data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.fields import EncryptedJSONField, EncryptedTextField


class Fact(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="facts")
    name = models.CharField(_("fact"), max_length=40)
    value = EncryptedJSONField(_("value"), null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("fact")
        indexes = [models.Index(fields=["case", "name", "-recorded_at"], name="fact_latest")]

    def __str__(self):
        return self.name


class StatedRequirement(models.Model):
    """What a service stated it asks for in this very case ("the CCAS will fund a hostel if a
    mission-locale contract is signed"), recorded on the request by the referent."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="stated_requirements"
    )
    code = models.CharField(_("what it asks for"), max_length=32)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("stated requirement")
        constraints = [
            models.UniqueConstraint(fields=["referral", "code"], name="stated_requirement_once")
        ]

    def __str__(self):
        return self.code


class Letter(models.Model):
    """A formal letter of the referent about a refusal or about repeated refusals of shelter,
    kept as written (its text is encrypted: it may name the person), with the answer to it."""

    class Kind(models.TextChoices):
        REFUSAL = "refusal", _("To the body that refused")
        PREFECTURE = "prefecture", _("To the prefecture: repeated refusals of shelter")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    rights = models.JSONField(default=list)  # the catalogue ids it cites
    names_the_person = models.BooleanField(default=False)
    body = EncryptedTextField(_("letter"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer = EncryptedTextField(_("answer"), blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.case_id}"
