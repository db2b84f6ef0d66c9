"""Break-glass: a coordinator's time-limited access to a case outside their normal scope."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from parcours.core.fields import EncryptedTextField


class BreakGlassQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class BreakGlassGrant(models.Model):
    """Who opened which case outside their scope, acting for which organisation, why, and until
    when. Created only by ``parcours.access.breakglass.open_case``, which journals it and tells
    the case's referent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="break_glass")
    reason = EncryptedTextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="break_glass_expires_after_grant",
            )
        ]
        indexes = [
            # The scope's "cases I opened by break-glass" (parcours.access.scopes).
            models.Index(fields=["user", "organisation", "expires_at"], name="break_glass_holder")
        ]

    def __str__(self):
        return f"break-glass {self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"
