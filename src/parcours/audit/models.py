"""The journal: an append-only, hash-chained record of every read and write of personal data.

Each entry's hash covers its content and the previous entry's hash, so editing, removing or
re-ordering rows breaks the chain at a point that ``parcours audit verify`` names. The ORM refuses
updates and deletes, and database triggers refuse them too (see migration 0002).
"""

from django.conf import settings
from django.db import models

from parcours.audit.enums import Action
from parcours.core.fields import EncryptedTextField


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The journal is append-only.")

    def delete(self):
        raise PermissionError("The journal is append-only.")


class JournalEntry(models.Model):
    """Who (user, organisation) did what (action) to which object, touching which field groups,
    when and why. Objects are named by their pseudonymous reference, never by a person's name."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    # No `choices`: new actions must not need a migration; labels come from ``Action``.
    action = models.CharField(max_length=32)
    object_type = models.CharField(max_length=32, blank=True)
    object_ref = models.CharField(max_length=32, blank=True, db_index=True)
    related_ref = models.CharField(max_length=32, blank=True, db_index=True)
    groups = models.JSONField(default=list)
    reason = EncryptedTextField(blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        # (object_ref, seq): a person's access history, newest first, read through the index of
        # its references rather than by walking the whole journal backwards (issue 14).
        indexes = [
            models.Index(fields=["at"]),
            models.Index(fields=["object_ref", "-seq"], name="journal_object_newest"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_ref}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The journal is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The journal is append-only.")

    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action


class JournalHead(models.Model):
    """One row holding the last sequence number and hash; locked while an entry is appended so
    two requests never chain onto the same predecessor, and so removing the last entries shows."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"journal head #{self.last_seq}"
