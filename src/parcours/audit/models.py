"""The journal: an append-only, tamper-evident record of every read and write of personal data.

Each entry is written in the request with a number from a sequence and its own hash (no lock
shared by the country). The worker then seals the entries written since its last round into a
``JournalBatch``: the Merkle root of their hashes, chained onto the previous batch, signed with a
key the database does not hold, and exported outside it (see ``audit/sealing.py`` and ADR 0004).
Editing, removing or moving a sealed entry breaks its batch's root; rewriting a batch breaks its
signature and the exported roots. The ORM refuses updates and deletes, and database triggers
refuse them too (``audit/triggers.py``).
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


class AppendOnly(models.Model):
    """Written once: a second ``save`` and any ``delete`` are refused (the triggers refuse them
    in the database too)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The journal is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The journal is append-only.")


class JournalEntry(AppendOnly):
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
    # No index of its own: (object_ref, -seq) below serves every read by reference. None for
    # related_ref, which nothing reads by (issue 14: 4 of the journal's 12 indexes were these,
    # written for every entry).
    object_ref = models.CharField(max_length=32, blank=True)
    related_ref = models.CharField(max_length=32, blank=True)
    groups = models.JSONField(default=list)
    reason = EncryptedTextField(blank=True, default="")
    # The hash of the entry before it, for the entries written while the journal was one chain
    # (before issue 14); empty since. Covered by ``hash`` either way.
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64)
    # Set once, by the worker, when the entry is sealed; the only column that may change.
    batch = models.ForeignKey(
        "audit.JournalBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
    )

    class Meta:
        ordering = ["seq"]
        # (object_ref, seq): a person's access history, newest first, read through the index of
        # its references rather than by walking the whole journal backwards (issue 14).
        # (batch, seq): a batch's entries in order, for the verification; the unsealed ones are
        # the worker's next batch.
        indexes = [
            models.Index(fields=["at"]),
            models.Index(fields=["object_ref", "-seq"], name="journal_object_newest"),
            models.Index(fields=["batch", "seq"], name="journal_batch_seq"),
            models.Index(
                fields=["seq"], name="journal_unsealed", condition=models.Q(batch__isnull=True)
            ),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_ref}"

    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action


class JournalBatch(AppendOnly):
    """The entries the worker sealed in one go: how many, the Merkle root of their hashes (in
    ``seq`` order), the hash of the batch before, and this batch's own hash, signed. Numbered
    from 1 without gaps; written once, never changed (ORM and triggers)."""

    number = models.BigIntegerField(primary_key=True)
    sealed_at = models.DateTimeField()
    count = models.PositiveIntegerField()
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    root = models.CharField(max_length=64)
    prev = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"journal batch #{self.number} ({self.count} entries)"


class JournalCheckpoint(models.Model):
    """A batch up to which ``parcours audit verify`` found every entry sound: the next run
    re-reads only the entries sealed after it (the batches themselves are checked every time)."""

    batch = models.ForeignKey(JournalBatch, on_delete=models.PROTECT, related_name="+")
    batch_hash = models.CharField(max_length=64)
    verified_at = models.DateTimeField()
    entries = models.BigIntegerField()

    class Meta:
        ordering = ["-batch"]

    def __str__(self):
        return f"journal verified up to batch #{self.batch_id}"
