"""The worker seals the journal: the entries written since its last round become a signed batch,
chained onto the one before, exported outside the database (ADR 0004).

- ``seal``: takes the unsealed entries in ``seq`` order (at most ``JOURNAL_BATCH_MAX`` per batch),
  computes the Merkle root of their hashes, the batch's hash (its number, count, root and the
  previous batch's hash), signs it with the worker's key (``audit/signing.py``) and marks the
  entries as sealed by it, in one transaction. Only the worker does this, so no request waits.
- ``export_roots``: appends every batch not yet in the roots file (``JOURNAL_ROOTS_FILE``, one
  JSON line each, flushed to disk), so that a copy of the history's roots lives outside the
  database; it catches up after a crash between the two.
- ``send_daily_root``: once a day, the newest batch's hash goes to the national coordination as a
  notification and its e-mail, a second custodian outside the database.
"""

import datetime
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from parcours.audit import merkle, signing
from parcours.audit.models import JournalBatch, JournalEntry

GENESIS = "0" * 64
LOCK_KEY = 0x4A4F55524E414C  # "JOURNAL": one sealer at a time on PostgreSQL


def batch_message(batch: JournalBatch) -> bytes:
    """The canonical content of a batch, which its hash covers."""
    content = {
        "number": batch.number,
        "sealed_at": batch.sealed_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "count": batch.count,
        "first_seq": batch.first_seq,
        "last_seq": batch.last_seq,
        "root": batch.root,
        "prev": batch.prev,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def batch_hash(batch: JournalBatch) -> str:
    return hashlib.sha256(batch_message(batch)).hexdigest()


def _serialise_sealers() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    # SQLite: the transaction opened IMMEDIATE already holds the one write lock.


def _seal_one(now, limit: int) -> int:
    with transaction.atomic():
        _serialise_sealers()
        rows = list(
            JournalEntry.objects.filter(batch__isnull=True)
            .order_by("seq")
            .values_list("pk", "seq", "hash")[:limit]
        )
        if not rows:
            return 0
        last = JournalBatch.objects.order_by("-number").first()
        batch = JournalBatch(
            number=last.number + 1 if last else 1,
            sealed_at=now,
            count=len(rows),
            first_seq=rows[0][1],
            last_seq=rows[-1][1],
            root=merkle.root([bytes.fromhex(h) for _pk, _seq, h in rows]).hex(),
            prev=last.hash if last else GENESIS,
        )
        batch.hash = batch_hash(batch)
        batch.key_id, batch.signature = signing.sign(batch.hash.encode())
        batch.save()
        ids = [pk for pk, _seq, _hash in rows]
        marked = 0
        for start in range(0, len(ids), 1000):
            # The one update the journal allows (the triggers check it): NULL to this batch.
            marked += models.QuerySet.update(
                JournalEntry.objects.filter(pk__in=ids[start : start + 1000], batch__isnull=True),
                batch=batch,
            )
        if marked != len(ids):
            raise RuntimeError("journal entries changed while they were sealed")
        return len(rows)


def seal(now: datetime.datetime | None = None, *, limit: int | None = None) -> int:
    """Seal every unsealed entry, in batches; how many entries were sealed."""
    now = now or timezone.now()
    limit = limit or settings.JOURNAL_BATCH_MAX
    total = 0
    while True:
        sealed = _seal_one(now, limit)
        total += sealed
        if sealed < limit:
            return total


def roots_path() -> Path | None:
    name = settings.JOURNAL_ROOTS_FILE
    return Path(name) if name else None


def root_line(batch: JournalBatch) -> dict:
    return {
        "number": batch.number,
        "hash": batch.hash,
        "root": batch.root,
        "prev": batch.prev,
        "count": batch.count,
        "first_seq": batch.first_seq,
        "last_seq": batch.last_seq,
        "sealed_at": batch.sealed_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "key_id": batch.key_id,
        "signature": batch.signature,
    }


def read_roots(path: Path) -> list[dict]:
    """The lines of a roots file (a missing file has none)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _last_exported(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        tail = handle.read().decode("utf-8", "replace").strip().splitlines()
    return json.loads(tail[-1])["number"] if tail else 0


def export_roots(now: datetime.datetime | None = None) -> int:
    """Append the batches not yet in the roots file; how many lines were written."""
    path = roots_path()
    if path is None:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    after = _last_exported(path)
    written = 0
    batches = JournalBatch.objects.filter(number__gt=after).order_by("number")
    with path.open("a", encoding="utf-8") as handle:
        for batch in batches.iterator(chunk_size=1000):
            handle.write(json.dumps(root_line(batch), sort_keys=True) + "\n")
            written += 1
        handle.flush()
        os.fsync(handle.fileno())
    return written


def send_daily_root(now: datetime.datetime | None = None) -> int:
    """Once a day, the newest batch's hash to each national coordination (its e-mail leaves the
    database); how many organisations were told today for the first time."""
    from parcours.accounts.models import Organisation
    from parcours.alerts.notify import notify
    from parcours.core.roles import OrganisationKind

    now = now or timezone.now()
    last = JournalBatch.objects.order_by("-number").first()
    if last is None:
        return 0
    day = timezone.localdate(now).isoformat()
    told = 0
    for organisation in Organisation.objects.filter(kind=OrganisationKind.NATIONAL_COORDINATOR):
        made = notify(
            "journal_root",
            organisation,
            params={"day": day, "number": last.number, "hash": last.hash},
            dedup_key=f"journal-root:{day}:{organisation.pk}",
        )
        told += made is not None
    return told
