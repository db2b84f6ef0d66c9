"""Shared kernel models: the key canary, and the abstract models the apps build on (a
transition log for every lifecycle, a consent record for every consent the person gives)."""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from parcours.core.fields import EncryptedTextField
from parcours.core.refs import new_reference

REFERENCE_ATTEMPTS = 8


class FreshReference:
    """A model whose ``ref`` is drawn at random (``core.refs``) draws again when the one drawn is
    taken: the insert runs in a savepoint, and a unique violation on a reference that exists is
    retried with a new one, inside the caller's transaction (nothing else it did is lost). Five
    random characters are 33.5 million references: at a million cases, 3 % of new ones are
    already taken. Any other integrity error (an intake posted twice) goes up unchanged.
    ``REF_PREFIX`` is the model's letter."""

    REF_PREFIX = ""

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            return super().save(*args, **kwargs)
        for attempt in range(REFERENCE_ATTEMPTS):
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                taken = type(self)._default_manager.filter(ref=self.ref).exists()
                if not taken or attempt == REFERENCE_ATTEMPTS - 1:
                    raise
                self.ref = new_reference(self.REF_PREFIX)
        return None


class KeyCanary(models.Model):
    """A known value sealed with each field key, so a wrong key is caught at start-up.

    Without it, a server started with the wrong key would only fail at the first read of a
    person; with it, ``parcours serve`` and the WSGI application refuse to start.
    """

    key_id = models.CharField(max_length=16, unique=True)
    sealed = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"canary {self.key_id}"


class TransitionLog(models.Model):
    """One move of a lifecycle (``core.workflow.move`` writes it): from what, to what, when, who
    (user and organisation; none for a system move such as an expiry), with a note (encrypted).
    A concrete log adds its foreign key to the object that moved, and the choices of its
    statuses."""

    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = EncryptedTextField(blank=True, default="")

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


class ConsentMethod(models.TextChoices):
    ORAL = "oral", _("Orally")
    WRITTEN = "written", _("In writing (signed)")
    ELECTRONIC = "electronic", _("Electronically")


class ConsentRecord(models.Model):
    """The person's consent, as the referent recorded it: when and how it was given, in which
    language the person was informed and through which interpreter. Language and interpreter
    are encrypted (they point at the person's origin); their length limits (60, 200) are the
    forms'. A concrete record adds what the consent is to (a recipient and a purpose, a
    conference)."""

    given_on = models.DateField(_("given on"))
    how = models.CharField(_("how it was given"), max_length=16, choices=ConsentMethod.choices)
    language = EncryptedTextField(_("language"))
    interpreter = EncryptedTextField(_("interpreter"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True
