"""Bulk writing of a generated batch: its rows (already as the database takes them, encrypted,
with their ids: ``seed.people``) table after table in the order of the foreign keys, sent by
``COPY`` on PostgreSQL (psycopg's ``cursor.copy``) and by one prepared ``INSERT`` run many
times on SQLite; then the journal, prepared with the batch by the worker that generated it
(:func:`prepare_journal`: ``audit.journal.prepare_entries``, its values converted as their fields
would), numbered and hashed here (``audit.journal.number``: one SHA-256 per entry) and written
the same way.

Nothing here calls a model's ``save()`` or builds the rows' model instances.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, models

from parcours.audit.journal import number, prepare_entries
from parcours.audit.models import JournalEntry
from parcours.cases.models import Case
from parcours.core.fields import EncryptedMixin
from parcours.demo.seed.people import Who
from parcours.demo.seed.rows import Named, Sealer
from parcours.people.models import Person
from parcours.referrals.models import Referral

CHUNK = 10_000
# Fields whose value (a str, int, float, bool or None) is what the database takes.
PLAIN = (
    models.CharField,
    models.BooleanField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.FloatField,
)
RELATED = {"person": Person, "referral": Referral}


def insert_rows(table: str, columns: list[str], rows) -> None:
    """Insert ``rows`` (tuples in ``columns`` order, values as the database takes them)."""
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    quoted = connection.ops.quote_name(table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Names from the model's metadata, values as parameters.
            sql = f"INSERT INTO {quoted} ({names}) VALUES ({marks})"  # noqa: S608
            for start in range(0, len(rows), CHUNK):
                cursor.executemany(sql, rows[start : start + CHUNK])


def _converters(model, values):
    """For each concrete field but the id: how to read its value off an instance, as the
    database takes it (what ``pre_save`` then ``get_db_prep_save`` would give)."""
    connection = connections[DEFAULT_DB_ALIAS]
    out = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.is_relation or type(f) in PLAIN:
            out.append((f, None))
        elif isinstance(f, EncryptedMixin):
            out.append((f, Sealer(f)))  # a fresh nonce for each value
        elif isinstance(f, models.DateTimeField) and not (f.auto_now or f.auto_now_add):
            out.append((f, values.dt))
        elif isinstance(f, models.JSONField) and f.encoder is None:
            out.append((f, values.json))
        else:
            out.append((f, lambda value, f=f: f.get_db_prep_save(value, connection)))
    return out


@dataclass
class Journal:
    """A batch's journal entries as rows of ``audit_journalentry`` but their numbers and hashes
    (``seq_at`` and ``hash_at`` in each row), with ``parts``, what ``journal.number`` numbers
    and hashes them from. Prepared by the worker that generated the batch."""

    columns: list
    rows: list
    parts: list
    seq_at: int
    hash_at: int


def prepare_journal(batch, ctx) -> Journal:
    """The batch's journal, prepared for ``write`` (no database: run in the worker processes).
    Each entry's values are converted as its fields would for the database, its reason is the
    one the generator sealed."""
    entries = prepare_entries(journal_rows(batch, ctx))
    converters = _converters(JournalEntry, ctx.values)
    columns = [f.column for f, _c in converters]
    attnames = [f.attname for f, _c in converters]
    sealed = {"reason": batch.journal_reasons}
    json_of = {}

    def as_json(value, dumps=ctx.values.json):  # a few distinct lists of groups, many rows
        key = tuple(value)
        text = json_of.get(key)
        if text is None:
            text = json_of[key] = dumps(value)
        return text

    fixes = [
        (position, as_json if convert is ctx.values.json else convert)
        for position, (f, convert) in enumerate(converters)
        if convert is not None and f.attname not in sealed
    ]
    given = [(position, sealed[f.attname]) for position, (f, _c) in enumerate(converters)
             if f.attname in sealed]  # fmt: skip
    rows = []
    append = rows.append
    for n, entry in enumerate(entries):
        values = entry.__dict__
        row = [values.get(attname) for attname in attnames]  # seq, hash, batch_id: None
        for position, convert in fixes:
            row[position] = convert(row[position])
        for position, ready in given:
            row[position] = ready[n]
        append(row)
    return Journal(columns, rows, [e.parts for e in entries], attnames.index("seq"),
                   attnames.index("hash"))  # fmt: skip


def journal_rows(batch, ctx):
    """The batch's journal rows as ``audit.journal.prepare_entries`` takes them: actors (user and
    organisation of the country) and the objects named (``rows.Named``)."""
    users, orgs = ctx.country.users_by_id, ctx.country.orgs_by_id
    whos, cases = {}, {}
    rows = []
    append = rows.append
    for user, org, action, case_key, related, groups, reason, at in batch.journal:
        who = whos.get((user, org))
        if who is None and (user, org) != (None, None):
            who = whos[user, org] = Who(users.get(user), orgs.get(org))
        case = cases.get(case_key)
        if case is None:
            case = cases[case_key] = Named(Case, *case_key)
        if related is not None:
            kind, ref, pk = related
            related = Named(RELATED[kind], ref, pk)
        append((who, action, case, related, groups, reason, at))
    return rows


def write(batch, ctx) -> None:
    """Save every row of ``batch`` (call inside the batch's transaction)."""
    for name, table in ctx.tables:
        rows = batch.rows.get(name)
        if rows:
            insert_rows(table.model._meta.db_table, table.db_columns, table.full(rows))
    journal = batch.prepared_journal
    rows, seq_at, hash_at = journal.rows, journal.seq_at, journal.hash_at
    for row, (seq, entry_hash) in zip(rows, number(journal.parts), strict=True):
        row[seq_at], row[hash_at] = seq, entry_hash
    insert_rows(JournalEntry._meta.db_table, journal.columns, rows)
