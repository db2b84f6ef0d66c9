"""Database triggers that keep the journal append-only (used by migration 0002 and tests).

UPDATE and DELETE on journal entries are refused, except an update that only re-encrypts
``reason`` (key rotation); the journal head cannot be deleted. On PostgreSQL, TRUNCATE is refused
too. Someone who drops the triggers can still edit rows: the hash chain then shows it.
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
    """CREATE TRIGGER audit_journalhead_no_delete BEFORE DELETE ON audit_journalhead
       BEGIN SELECT RAISE(ABORT, 'the journal head cannot be removed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_journalhead_no_delete;",
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
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_journal_append_only BEFORE UPDATE OR DELETE ON audit_journalentry
       FOR EACH ROW EXECUTE FUNCTION audit_journal_append_only();""",
    """CREATE TRIGGER audit_journal_no_truncate BEFORE TRUNCATE ON audit_journalentry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_journal_append_only();""",
    """CREATE OR REPLACE FUNCTION audit_journalhead_keep() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the journal head cannot be removed'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_journalhead_keep BEFORE DELETE ON audit_journalhead
       FOR EACH ROW EXECUTE FUNCTION audit_journalhead_keep();""",
    """CREATE TRIGGER audit_journalhead_no_truncate BEFORE TRUNCATE ON audit_journalhead
       FOR EACH STATEMENT EXECUTE FUNCTION audit_journalhead_keep();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_journalhead_no_truncate ON audit_journalhead;",
    "DROP TRIGGER IF EXISTS audit_journalhead_keep ON audit_journalhead;",
    "DROP FUNCTION IF EXISTS audit_journalhead_keep();",
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
