"""Facts recorded on a case for the rights engine: one row per answer (who said so, when); the
newest answer to a question is the fact. Values are encrypted: they are the person's data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.fields import EncryptedJSONField


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
