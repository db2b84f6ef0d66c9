"""Database triggers that refuse UPDATE and DELETE on the journal, as they were when the journal
was one hash chain with a head row (frozen here: ``audit/triggers.py`` holds today's, installed
by migration 0004)."""

from django.db import migrations

SQLITE_UP = [
    "CREATE TRIGGER audit_journal_no_delete BEFORE DELETE ON audit_journalentry\n       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;",
    "CREATE TRIGGER audit_journal_no_update BEFORE UPDATE OF seq, at, user_id, username, organisation_id, action, object_type, object_ref, related_ref, groups, prev_hash, hash\n       ON audit_journalentry\n       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;",
    "CREATE TRIGGER audit_journalhead_no_delete BEFORE DELETE ON audit_journalhead\n       BEGIN SELECT RAISE(ABORT, 'the journal head cannot be removed'); END;",
]

SQLITE_DOWN = [
    'DROP TRIGGER IF EXISTS audit_journalhead_no_delete;',
    'DROP TRIGGER IF EXISTS audit_journal_no_delete;',
    'DROP TRIGGER IF EXISTS audit_journal_no_update;',
]

POSTGRES_UP = [
    "CREATE OR REPLACE FUNCTION audit_journal_append_only() RETURNS trigger AS $$\n       BEGIN\n         IF TG_OP <> 'UPDATE' THEN\n           RAISE EXCEPTION 'the journal is append-only';\n         END IF;\n         IF NEW.seq IS DISTINCT FROM OLD.seq OR NEW.at IS DISTINCT FROM OLD.at OR NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.username IS DISTINCT FROM OLD.username OR NEW.organisation_id IS DISTINCT FROM OLD.organisation_id OR NEW.action IS DISTINCT FROM OLD.action OR NEW.object_type IS DISTINCT FROM OLD.object_type OR NEW.object_ref IS DISTINCT FROM OLD.object_ref OR NEW.related_ref IS DISTINCT FROM OLD.related_ref OR NEW.groups IS DISTINCT FROM OLD.groups OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash OR NEW.hash IS DISTINCT FROM OLD.hash THEN\n           RAISE EXCEPTION 'the journal is append-only';\n         END IF;\n         RETURN NEW;\n       END; $$ LANGUAGE plpgsql;",
    'CREATE TRIGGER audit_journal_append_only BEFORE UPDATE OR DELETE ON audit_journalentry\n       FOR EACH ROW EXECUTE FUNCTION audit_journal_append_only();',
    'CREATE TRIGGER audit_journal_no_truncate BEFORE TRUNCATE ON audit_journalentry\n       FOR EACH STATEMENT EXECUTE FUNCTION audit_journal_append_only();',
    "CREATE OR REPLACE FUNCTION audit_journalhead_keep() RETURNS trigger AS $$\n       BEGIN RAISE EXCEPTION 'the journal head cannot be removed'; END; $$ LANGUAGE plpgsql;",
    'CREATE TRIGGER audit_journalhead_keep BEFORE DELETE ON audit_journalhead\n       FOR EACH ROW EXECUTE FUNCTION audit_journalhead_keep();',
    'CREATE TRIGGER audit_journalhead_no_truncate BEFORE TRUNCATE ON audit_journalhead\n       FOR EACH STATEMENT EXECUTE FUNCTION audit_journalhead_keep();',
]

POSTGRES_DOWN = [
    'DROP TRIGGER IF EXISTS audit_journalhead_no_truncate ON audit_journalhead;',
    'DROP TRIGGER IF EXISTS audit_journalhead_keep ON audit_journalhead;',
    'DROP FUNCTION IF EXISTS audit_journalhead_keep();',
    'DROP TRIGGER IF EXISTS audit_journal_no_truncate ON audit_journalentry;',
    'DROP TRIGGER IF EXISTS audit_journal_append_only ON audit_journalentry;',
    'DROP FUNCTION IF EXISTS audit_journal_append_only();',
]


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    pg = connection.vendor == "postgresql"
    _run(connection, POSTGRES_DOWN if pg else SQLITE_DOWN)
    _run(connection, POSTGRES_UP if pg else SQLITE_UP)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    _run(connection, POSTGRES_DOWN if connection.vendor == "postgresql" else SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
