"""Database triggers that keep the journal append-only (installed by migration 0004; tests use
``install``/``remove`` around database flushes).

On journal entries, UPDATE and DELETE are refused, except an update that only re-encrypts
``reason`` (key rotation) or seals the entry (``batch`` from NULL to a batch, once). Sealed
batches cannot be changed or removed. On PostgreSQL, TRUNCATE is refused too. Someone who drops
the triggers can still edit rows: the batches' roots, signatures and the exported roots then
show it. Migrations keep their own frozen copy of what they install.
"""

COLUMNS = [
    "seq",
    "at",
    "user_id",
    "username",
    "organisation_id",
    "action",
    "object_type",
    "object_ref",
    "related_ref",
    "groups",
    "prev_hash",
    "hash",
]

SQLITE_UP = [
    """CREATE TRIGGER audit_journal_no_delete BEFORE DELETE ON audit_journalentry
       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;""",
    f"""CREATE TRIGGER audit_journal_no_update BEFORE UPDATE OF {", ".join(COLUMNS)}
       ON audit_journalentry
       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;""",
    """CREATE TRIGGER audit_journal_sealed_once BEFORE UPDATE OF batch_id ON audit_journalentry
       WHEN OLD.batch_id IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'a sealed journal entry stays in its batch'); END;""",
    """CREATE TRIGGER audit_journalbatch_no_delete BEFORE DELETE ON audit_journalbatch
       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;""",
    """CREATE TRIGGER audit_journalbatch_no_update BEFORE UPDATE ON audit_journalbatch
       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_journalbatch_no_update;",
    "DROP TRIGGER IF EXISTS audit_journalbatch_no_delete;",
    "DROP TRIGGER IF EXISTS audit_journal_sealed_once;",
    "DROP TRIGGER IF EXISTS audit_journal_no_delete;",
    "DROP TRIGGER IF EXISTS audit_journal_no_update;",
]

_changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in COLUMNS)
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION audit_journal_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP <> 'UPDATE' THEN
           RAISE EXCEPTION 'the journal is append-only';
         END IF;
         IF {_changed} THEN
           RAISE EXCEPTION 'the journal is append-only';
         END IF;
         IF OLD.batch_id IS NOT NULL AND NEW.batch_id IS DISTINCT FROM OLD.batch_id THEN
           RAISE EXCEPTION 'a sealed journal entry stays in its batch';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_journal_append_only BEFORE UPDATE OR DELETE ON audit_journalentry
       FOR EACH ROW EXECUTE FUNCTION audit_journal_append_only();""",
    """CREATE TRIGGER audit_journal_no_truncate BEFORE TRUNCATE ON audit_journalentry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_journal_append_only();""",
    """CREATE OR REPLACE FUNCTION audit_journalbatch_keep() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the journal is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_journalbatch_keep BEFORE UPDATE OR DELETE ON audit_journalbatch
       FOR EACH ROW EXECUTE FUNCTION audit_journalbatch_keep();""",
    """CREATE TRIGGER audit_journalbatch_no_truncate BEFORE TRUNCATE ON audit_journalbatch
       FOR EACH STATEMENT EXECUTE FUNCTION audit_journalbatch_keep();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_journalbatch_no_truncate ON audit_journalbatch;",
    "DROP TRIGGER IF EXISTS audit_journalbatch_keep ON audit_journalbatch;",
    "DROP FUNCTION IF EXISTS audit_journalbatch_keep();",
    "DROP TRIGGER IF EXISTS audit_journal_no_truncate ON audit_journalentry;",
    "DROP TRIGGER IF EXISTS audit_journal_append_only ON audit_journalentry;",
    "DROP FUNCTION IF EXISTS audit_journal_append_only();",
]


def install(connection) -> None:
    remove(connection)
    statements = POSTGRES_UP if connection.vendor == "postgresql" else SQLITE_UP
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def remove(connection) -> None:
    statements = POSTGRES_DOWN if connection.vendor == "postgresql" else SQLITE_DOWN
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
