"""Write to the journal and verify it."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from parcours.audit.models import JournalEntry, JournalHead
from parcours.core.crypto import DecryptionError, keyring

GENESIS = "0" * 64


def _canonical(entry: JournalEntry) -> bytes:
    at = entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    content = {
        "seq": entry.seq,
        "at": at,
        "user": entry.user_id,
        "username": entry.username,
        "organisation": entry.organisation_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_ref": entry.object_ref,
        "related_ref": entry.related_ref,
        "groups": list(entry.groups),
        # A keyed MAC, not the text: short reasons ("consent") cannot be confirmed by guessing.
        "reason": keyring().mac(entry.reason, "journal-reason"),
        "prev": entry.prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: JournalEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _chained(head, actor, action, obj, related, groups, reason, *, user=None, at=None):
    """The next entry after ``head``, hashed, and ``head`` moved on to it (not saved)."""
    entry = JournalEntry(
        seq=head.last_seq + 1,
        at=at or timezone.now(),
        user=getattr(actor, "user", None) or user,
        organisation=getattr(actor, "organisation", None),
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_ref=getattr(obj, "ref", "") if obj is not None else "",
        related_ref=getattr(related, "ref", "") if related is not None else "",
        groups=sorted(set(groups)),
        reason=reason,
        prev_hash=head.last_hash,
    )
    entry.username = entry.user.get_username() if entry.user else ""
    entry.hash = entry_hash(entry)
    head.last_seq, head.last_hash = entry.seq, entry.hash
    return entry


def record(
    actor,
    action: str,
    obj=None,
    *,
    groups=(),
    reason: str = "",
    related=None,
    user=None,
) -> JournalEntry:
    """Append one entry, in the caller's transaction (it commits or rolls back with the change).

    ``obj`` and ``related`` are model instances with a ``ref`` (or None). ``actor`` may be None
    for system actions; ``user`` names the user when there is no actor (failed sign-in).
    """
    with transaction.atomic():
        head, _ = JournalHead.objects.select_for_update().get_or_create(pk=1)
        entry = _chained(head, actor, action, obj, related, groups, reason, user=user)
        entry.save()
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


def record_many(actor, action: str, pairs, *, groups=()) -> list[JournalEntry]:
    """Append one entry per ``(obj, related)`` pair, chained in order, in one write: a list page
    that shows the names of 25 people journals each, in three queries, not 75."""
    pairs = list(pairs)
    if not pairs:
        return []
    with transaction.atomic():
        head, _ = JournalHead.objects.select_for_update().get_or_create(pk=1)
        now = timezone.now()
        entries = [
            _chained(head, actor, action, obj, related, groups, "", at=now)
            for obj, related in pairs
        ]
        JournalEntry.objects.bulk_create(entries)
        head.save(update_fields=["last_seq", "last_hash"])
    return entries


def record_entries(rows, *, write=None) -> list[JournalEntry]:
    """Append one entry per row ``(actor, action, obj, related, groups, reason, at)``, chained in
    order, in one write: for loaders that journal in bulk what they write in bulk (``parcours
    seed``). ``at`` is when the act journaled took place (None: now). ``write(entries)`` saves
    the chained entries (default ``bulk_create``; a loader may ``COPY`` them)."""
    rows = list(rows)
    if not rows:
        return []
    with transaction.atomic():
        head, _ = JournalHead.objects.select_for_update().get_or_create(pk=1)
        entries = [
            _chained(head, actor, action, obj, related, groups, reason, at=at)
            for actor, action, obj, related, groups, reason, at in rows
        ]
        if write is None:
            JournalEntry.objects.bulk_create(entries, batch_size=2000)
        else:
            write(entries)
        head.save(update_fields=["last_seq", "last_hash"])
    return entries


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify() -> VerifyResult:
    """Walk the whole chain; report the first entry that does not hold."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    reason_field = JournalEntry._meta.get_field("reason")
    rows = (
        JournalEntry.objects.order_by("seq")
        .defer("reason")
        .annotate(sealed_reason=Cast("reason", output_field=TextField()))
    )
    for entry in rows.iterator(chunk_size=2000):
        try:
            entry.reason = reason_field.from_db_value(entry.sealed_reason, None, connection)
        except DecryptionError:
            return VerifyResult(False, checked, entry.seq, "its reason does not decrypt")
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != expected_prev:
            return VerifyResult(False, checked, entry.seq, "does not chain onto the previous entry")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq, "content does not match its hash")
        expected_prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    head = JournalHead.objects.filter(pk=1).first()
    if head is None and checked:
        return VerifyResult(False, checked, checked, "the journal head is missing")
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"entries after {checked} are missing (head says {head.last_seq})",
        )
    return VerifyResult(True, checked)


def history_for(person):
    """The journal entries about a person or one of their cases, newest first (a queryset:
    slice it, so that only the rows shown are read and decrypted)."""
    refs = [person.ref, *person.cases.values_list("ref", flat=True)]
    return (
        JournalEntry.objects.filter(object_ref__in=refs)
        .select_related("user", "organisation")
        .order_by("-seq")
    )
