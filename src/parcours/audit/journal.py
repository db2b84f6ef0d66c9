"""Write to the journal (``record``); read a person's access history (``history_for``).

An entry is written in the caller's transaction, so it commits or rolls back with the change it
describes, with its number taken from a database sequence and its own hash: no row is locked for
the country (issue 14). The worker seals the entries into signed batches (``audit/sealing.py``);
``parcours audit verify`` checks both (``audit/verification.py``).
"""

import heapq

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from parcours.audit.hashing import entry_hash, hash_parts, numbered_hash
from parcours.audit.models import JournalEntry
from parcours.audit.verification import VerifyResult, verify

__all__ = [
    "VerifyResult",
    "entry_hash",
    "history_for",
    "history_page",
    "number",
    "prepare_entries",
    "record",
    "record_entries",
    "verify",
]

SEQUENCE = "audit_journal_seq"


def next_seqs(count: int) -> list[int]:
    """``count`` new entry numbers, increasing. On PostgreSQL they come from a sequence, which
    no transaction holds: numbers taken by a request that rolls back are simply never used. On
    SQLite the one writer already serialises transactions (they open IMMEDIATE), so the next
    numbers follow the largest one written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [SEQUENCE, count])
            return sorted(row[0] for row in cursor.fetchall())
    last = JournalEntry.objects.aggregate(last=Max("seq"))["last"] or 0
    return list(range(last + 1, last + 1 + count))


def _fields(actor, action, obj, related, groups, reason, *, user=None, at=None) -> dict:
    """An entry's fields but its number and hash (``user`` and ``organisation`` as instances)."""
    user = getattr(actor, "user", None) or user
    return {
        "at": at or timezone.now(),
        "user": user,
        "username": user.get_username() if user else "",
        "organisation": getattr(actor, "organisation", None),
        "action": action,
        "object_type": obj._meta.model_name if obj is not None else "",
        "object_ref": getattr(obj, "ref", "") if obj is not None else "",
        "related_ref": getattr(related, "ref", "") if related is not None else "",
        "groups": sorted(set(groups)),
        "reason": reason,
    }


def _entry(seq, actor, action, obj, related, groups, reason, *, user=None, at=None):
    """One entry, numbered and hashed (not saved)."""
    entry = JournalEntry(seq=seq, **_fields(actor, action, obj, related, groups, reason,
                                            user=user, at=at))  # fmt: skip
    entry.hash = entry_hash(entry)
    return entry


class Unnumbered:
    """An entry prepared without the database, for a bulk loader: its fields by attname, as its
    row takes them (``user_id``, ``organisation_id``; no ``seq``, ``hash`` nor ``batch_id``),
    and ``parts``, its canonical content around the number it will get (``number``)."""

    def __init__(self, fields: dict):
        user, organisation = fields.pop("user"), fields.pop("organisation")
        self.__dict__.update(fields, prev_hash="")
        self.user_id = user.pk if user is not None else None
        self.organisation_id = organisation.pk if organisation is not None else None
        self.parts = hash_parts(self)


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
        [seq] = next_seqs(1)
        entry = _entry(seq, actor, action, obj, related, groups, reason, user=user)
        entry.save()
    return entry


def record_many(actor, action: str, pairs, *, groups=()) -> list[JournalEntry]:
    """Append one entry per ``(obj, related)`` pair, in order, in one write: a list page that
    shows the names of 25 people journals each, in two queries, not 50."""
    pairs = list(pairs)
    if not pairs:
        return []
    with transaction.atomic():
        now = timezone.now()
        entries = [
            _entry(seq, actor, action, obj, related, groups, "", at=now)
            for seq, (obj, related) in zip(next_seqs(len(pairs)), pairs, strict=True)
        ]
        JournalEntry.objects.bulk_create(entries)
    return entries


def prepare_entries(rows) -> list[Unnumbered]:
    """One entry per row ``(actor, action, obj, related, groups, reason, at)``, in order, not
    numbered yet: for loaders that journal in bulk what they write in bulk (``parcours seed``,
    whose worker processes prepare them, never touching the database). ``at`` is when the act
    journaled took place. ``number`` then numbers and hashes them."""
    return [
        Unnumbered(_fields(actor, action, obj, related, groups, reason, at=at))
        for actor, action, obj, related, groups, reason, at in rows
    ]


def number(parts) -> list[tuple[int, str]]:
    """The number and hash of each prepared entry (by its ``Unnumbered.parts``), in order, the
    numbers taken from the journal's sequence; the loader writes them with the entries, in the
    same transaction."""
    parts = list(parts)
    if not parts:
        return []
    seqs = next_seqs(len(parts))
    return [(seq, numbered_hash(p, seq)) for p, seq in zip(parts, seqs, strict=True)]


def record_entries(rows) -> list[JournalEntry]:
    """Append one entry per row ``(actor, action, obj, related, groups, reason, at)``, in order,
    in one write (``prepare_entries``, ``number``, then ``bulk_create``)."""
    prepared = prepare_entries(rows)
    with transaction.atomic():
        entries = [
            JournalEntry(seq=seq, hash=entry_hash_, **_row_fields(entry))
            for entry, (seq, entry_hash_) in zip(
                prepared, number(e.parts for e in prepared), strict=True
            )
        ]
        JournalEntry.objects.bulk_create(entries, batch_size=2000)
    return entries


def _row_fields(entry: Unnumbered) -> dict:
    return {name: value for name, value in vars(entry).items() if name != "parts"}


def history_for(person):
    """The journal entries about a person or one of their cases, newest first (a queryset, for
    counting; to show a page of them, ``history_page``)."""
    return (
        JournalEntry.objects.filter(object_ref__in=_history_refs(person))
        .select_related("user", "organisation")
        .order_by("-seq")
    )


def history_page(person, limit: int, before: int | None = None) -> list[JournalEntry]:
    """The newest ``limit`` entries about the person or one of their cases (numbered below
    ``before`` when given). One ordered, limited read per reference through the journal's
    ``(object_ref, seq)`` index, merged here: an ``IN`` of several references cannot come out of
    the index in order, so the database would read and sort all of the person's entries."""
    pages = []
    for ref in _history_refs(person):
        entries = JournalEntry.objects.filter(object_ref=ref)
        if before is not None:
            entries = entries.filter(seq__lt=before)
        pages.append(list(entries.select_related("user", "organisation").order_by("-seq")[:limit]))
    return list(heapq.merge(*pages, key=lambda entry: -entry.seq))[:limit]


def _history_refs(person) -> list[str]:
    return [person.ref, *person.cases.values_list("ref", flat=True)]
