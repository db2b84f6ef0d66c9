"""Bulk writing of a generated batch: ``bulk_create`` in the order of the foreign keys, with the
values encrypted once each by the encrypted fields themselves (``core.fields``), the search
tokens computed by ``people.search.tokens_for``, and the journal chained by
``audit.journal.record_entries``. The rows nobody points at (search tokens, events, contacts,
journal entries, logs) skip Django's per-row SQL compilation: their values are prepared by the
fields (the same ``get_db_prep_save`` as ``bulk_create``) and sent by ``COPY`` on PostgreSQL
(psycopg's ``cursor.copy``), by one prepared ``INSERT`` run many times on SQLite.

Nothing here calls a model's ``save()``.
"""

from django.db import DEFAULT_DB_ALIAS, connections, models

from parcours.audit.journal import record_entries
from parcours.audit.models import JournalEntry
from parcours.cases.models import Case, Contact, Event, Participant, Task, Transition
from parcours.core.refs import new_reference
from parcours.people.models import Person, SearchToken
from parcours.referrals.models import Consent, Referral, ReferralTransition

CHUNK = 2000
# Fields whose value (a str, int or bool the generator set) is what the database takes: no
# preparation needed. Foreign keys are their id. Every other field prepares its value.
PLAIN = (
    models.CharField,
    models.BooleanField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
)


def _free_refs(model, objects, prefix: str) -> None:
    """A seeded reference already taken by a row the seed did not write (the demo's, a real
    intake's) is replaced by a random free one: the seeded ones never collide among themselves."""
    refs = [obj.ref for obj in objects]
    taken = set()
    for start in range(0, len(refs), CHUNK):
        taken |= set(
            model._base_manager.filter(ref__in=refs[start : start + CHUNK]).values_list(
                "ref", flat=True
            )
        )
    used = set(refs)
    for obj in objects:
        if obj.ref in taken:
            ref = new_reference(prefix)
            while ref in used or model._base_manager.filter(ref=ref).exists():
                ref = new_reference(prefix)
            obj.ref = ref
            used.add(ref)


def _rows(model, objects):
    """The columns (every concrete field but the id) and each object's values as Django would
    write them: ``pre_save`` then ``get_db_prep_save``, so encrypted fields encrypt (once)
    and JSON is serialised exactly as ``bulk_create`` does."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-call proxy
    plain = [type(f) in PLAIN or f.is_relation for f in fields]
    rows = []
    for obj in objects:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        values = obj.__dict__
        rows.append(
            [
                values[f.attname] if raw else f.get_db_prep_save(f.pre_save(obj, True), connection)
                for f, raw in zip(fields, plain, strict=True)
            ]
        )
    return [f.column for f in fields], rows


def insert(model, objects) -> None:
    """Insert ``objects`` whose ids nobody needs afterwards: ``COPY`` on PostgreSQL, one
    prepared ``INSERT`` run many times elsewhere; no per-row SQL compilation."""
    if not objects:
        return
    columns, rows = _rows(model, objects)
    connection = connections[DEFAULT_DB_ALIAS]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Names from the model's metadata, values as parameters.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            for start in range(0, len(rows), CHUNK * 5):
                cursor.executemany(sql, rows[start : start + CHUNK * 5])


def write(batch) -> None:
    """Save every row of ``batch`` (call inside the batch's transaction)."""
    _free_refs(Person, batch.people, "P")
    _free_refs(Case, batch.cases, "C")
    _free_refs(Referral, batch.referrals, "R")
    # The rows others point at are created with their ids returned; the rest are inserted.
    Person.objects.bulk_create(batch.people, batch_size=CHUNK)
    insert(
        SearchToken,
        [SearchToken(person_id=p.pk, kind=kind, digest=digest) for p, kind, digest in batch.tokens],
    )
    Case.objects.bulk_create(batch.cases, batch_size=CHUNK)
    for model, rows in (
        (Transition, batch.transitions),
        (Participant, batch.participants),
        (Event, batch.events),
        (Contact, batch.contacts),
        (Task, batch.tasks),
    ):
        insert(model, rows)
    Consent.objects.bulk_create(batch.consents, batch_size=CHUNK)
    Referral.objects.bulk_create(batch.referrals, batch_size=CHUNK)
    insert(ReferralTransition, batch.referral_transitions)
    record_entries(batch.journal, write=lambda entries: insert(JournalEntry, entries))
