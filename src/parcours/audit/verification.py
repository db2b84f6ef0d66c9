"""``parcours audit verify``: check the journal's batches and entries; name the first that does not
hold (ADR 0004).

Every run checks every batch, which is cheap (one row per batch): numbered from 1 without gaps,
each chained onto the one before, its content matching its hash, its signature holding for a
known public key, and its hash equal to the one exported to the roots file (a batch in the file
but not in the database is a removed batch). Then it re-reads entries: all of them with
``full``, otherwise only those sealed after the last checkpoint (a batch up to which an earlier
run found every entry sound), recomputing each entry's hash and each batch's Merkle root. The
entries not sealed yet are re-hashed too, and counted.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from parcours.audit import merkle, signing
from parcours.audit.hashing import entry_hash
from parcours.audit.models import JournalBatch, JournalCheckpoint, JournalEntry
from parcours.audit.sealing import GENESIS, batch_hash, read_roots, roots_path
from parcours.core.crypto import DecryptionError


@dataclass
class VerifyResult:
    ok: bool
    checked: int  # entries whose hash was recomputed
    first_bad_seq: int | None = None
    problem: str = ""
    bad_batch: int | None = None
    batches: int = 0  # batches checked
    start_batch: int = 0  # entries were re-read from the batch after this one
    pending: int = 0  # entries written but not sealed yet


class _Broken(Exception):
    def __init__(self, problem, *, seq=None, batch=None):
        super().__init__(problem)
        self.problem, self.seq, self.batch = problem, seq, batch


def _entries(queryset):
    """The entries of ``queryset``, each checked against its hash (raises on the first bad one)."""
    reason_field = JournalEntry._meta.get_field("reason")
    rows = queryset.defer("reason").annotate(sealed_reason=Cast("reason", TextField()))
    for entry in rows.iterator(chunk_size=2000):
        try:
            entry.reason = reason_field.from_db_value(entry.sealed_reason, None, connection)
        except DecryptionError:
            raise _Broken("its reason does not decrypt", seq=entry.seq) from None
        if entry_hash(entry) != entry.hash:
            raise _Broken("its content does not match its hash", seq=entry.seq)
        yield entry


def _check_batches(keys, anchors, start, start_hash) -> list[JournalBatch]:
    """Check the chain of batches; those after ``start``, whose entries are re-read."""
    prev, expected, after = GENESIS, 1, []
    for batch in JournalBatch.objects.order_by("number").iterator(chunk_size=2000):
        if batch.number != expected:
            raise _Broken(f"batch {expected} is missing", batch=expected)
        if batch.prev != prev:
            raise _Broken("it does not chain onto the batch before it", batch=batch.number)
        if batch_hash(batch) != batch.hash:
            raise _Broken("its content does not match its hash", batch=batch.number)
        if not signing.signature_holds(keys, batch.key_id, batch.signature, batch.hash.encode()):
            raise _Broken(
                "its signature does not hold for any known key (PARCOURS_JOURNAL_VERIFY_KEYS)",
                batch=batch.number,
            )
        anchor = anchors.get(batch.number)
        if anchor is not None and anchor.get("hash") != batch.hash:
            raise _Broken("it differs from the roots file", batch=batch.number)
        if batch.number == start and batch.hash != start_hash:
            raise _Broken("it changed since it was verified (run with --full)", batch=start)
        if batch.number > start:
            after.append(batch)
        prev, expected = batch.hash, expected + 1
    last = expected - 1
    if start > last:
        raise _Broken(f"batch {start}, verified before, is missing", batch=start)
    if anchors and max(anchors) > last:
        raise _Broken(
            f"batches {last + 1} to {max(anchors)} are in the roots file, not in the database",
            batch=last + 1,
        )
    return after


def _check_sealed_entries(batches: list[JournalBatch], start: int) -> int:
    """Re-read the entries of ``batches`` in (batch, seq) order and rebuild each root."""
    pending = list(batches)
    leaves: list[bytes] = []
    checked = 0

    def close(batch):
        if len(leaves) != batch.count or merkle.root(leaves).hex() != batch.root:
            raise _Broken(
                f"it does not hold the entries it sealed ({len(leaves)} found, "
                f"{batch.count} sealed)",
                batch=batch.number,
            )
        leaves.clear()

    entries = JournalEntry.objects.filter(batch_id__gt=start).order_by("batch_id", "seq")
    for entry in _entries(entries):
        while pending and pending[0].number < entry.batch_id:
            close(pending.pop(0))
        if not pending or pending[0].number != entry.batch_id:
            raise _Broken("it names a batch that was not checked", seq=entry.seq)
        leaves.append(bytes.fromhex(entry.hash))
        checked += 1
    for batch in pending:
        close(batch)
    return checked


def verify(*, full: bool = True, roots: Path | None = None) -> VerifyResult:
    """Check the journal (see the module's text); ``roots`` defaults to the configured file."""
    roots = roots or roots_path()
    anchors = {line["number"]: line for line in read_roots(roots)} if roots else {}
    start, start_hash = 0, ""
    if not full:
        checkpoint = JournalCheckpoint.objects.order_by("-batch_id").first()
        if checkpoint is not None:
            start, start_hash = checkpoint.batch_id, checkpoint.batch_hash
    checked = batches = 0
    try:
        after = _check_batches(signing.verify_keys(), anchors, start, start_hash)
        batches = start + len(after)
        checked = _check_sealed_entries(after, start)
        pending = 0
        for _entry in _entries(JournalEntry.objects.filter(batch__isnull=True).order_by("seq")):
            pending += 1
    except _Broken as broken:
        return VerifyResult(
            False,
            checked,
            broken.seq,
            broken.problem,
            bad_batch=broken.batch,
            batches=batches,
            start_batch=start,
        )
    return VerifyResult(
        True, checked + pending, batches=batches, start_batch=start, pending=pending
    )


def record_checkpoint(result: VerifyResult, now) -> JournalCheckpoint | None:
    """After a sound run, remember its last batch so that the next run starts after it."""
    if not result.ok or not result.batches:
        return None
    batch = JournalBatch.objects.get(number=result.batches)
    return JournalCheckpoint.objects.create(
        batch=batch, batch_hash=batch.hash, verified_at=now, entries=result.checked
    )


class JournalDoesNotHold(Exception):
    """The worker's check found a batch or an entry that does not hold (what and where are in
    ``parcours audit verify``'s answer; the error carries no data)."""


def check_journal(now) -> int:
    """The worker's daily step: ``verify`` from the last checkpoint, then a new checkpoint;
    how many entries were re-read. Raises ``JournalDoesNotHold`` when the journal was changed."""
    result = verify(full=False)
    if not result.ok:
        raise JournalDoesNotHold(f"batch {result.bad_batch}, entry {result.first_bad_seq}")
    record_checkpoint(result, now)
    return result.checked
