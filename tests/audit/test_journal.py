"""The journal is append-only, chained, and `parcours audit verify` names the first bad entry."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from parcours.audit import triggers
from parcours.audit.enums import Action
from parcours.audit.journal import record, verify
from parcours.audit.models import JournalEntry
from parcours.cli import main


@pytest.fixture
def entries(referent, case):
    for _ in range(3):
        record(referent.actor, Action.VIEW_CASE, case, groups=["identity"])
    return list(JournalEntry.objects.order_by("seq"))


def _drop_triggers():
    """What an attacker with database rights would do before editing rows."""
    triggers.remove(connection)


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_intact_journal_verifies(entries):
    result = verify()
    assert result.ok and result.checked == len(entries)


def test_entries_name_who_what_and_which_groups(entries, referent, case):
    last = entries[-1]
    assert last.user == referent.user
    assert last.organisation == referent.actor.organisation
    assert last.action == Action.VIEW_CASE
    assert last.object_ref == case.ref
    assert last.groups == ["identity"]


def test_hand_edited_row_is_detected_and_named(entries):
    target = entries[1]
    _drop_triggers()
    _raw("UPDATE audit_journalentry SET action = %s WHERE seq = %s", ["case.list", target.seq])
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == target.seq
    with pytest.raises(CommandError, match=f"journal broken at entry {target.seq}"):
        call_command("audit", "verify")


def test_removed_row_is_detected(entries):
    _drop_triggers()
    _raw("DELETE FROM audit_journalentry WHERE seq = %s", [entries[1].seq])
    result = verify()
    assert not result.ok and result.first_bad_seq == entries[1].seq


def test_removed_last_rows_are_detected(entries):
    _drop_triggers()
    _raw("DELETE FROM audit_journalentry WHERE seq >= %s", [entries[-2].seq])
    result = verify()
    assert not result.ok and result.first_bad_seq == entries[-2].seq


def test_rewritten_hash_does_not_hide_an_edit(entries):
    """Recomputing one row's hash breaks the link to the next row instead."""
    from parcours.audit.journal import entry_hash

    target = entries[0]
    _drop_triggers()
    target.groups = ["health"]
    forged = entry_hash(target)
    _raw(
        "UPDATE audit_journalentry SET groups = %s, hash = %s WHERE seq = %s",
        ['["health"]', forged, target.seq],
    )
    result = verify()
    assert not result.ok and result.first_bad_seq == entries[1].seq


def test_command_exits_non_zero(entries):
    _drop_triggers()
    _raw("UPDATE audit_journalentry SET object_ref = %s WHERE seq = %s", ["C-XXXX-XX", 1])
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "verify"])
    assert exit_info.value.code != 0


def test_orm_refuses_updates_and_deletes(entries):
    with pytest.raises(PermissionError):
        JournalEntry.objects.filter(pk=entries[0].pk).update(action="x")
    with pytest.raises(PermissionError):
        JournalEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        entries[0].delete()
    entries[0].action = "x"
    with pytest.raises(PermissionError):
        entries[0].save()


def test_database_refuses_updates_and_deletes(entries):
    triggers.install(connection)  # a transactional test earlier in this worker may have lifted them
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_journalentry SET action = %s WHERE seq = %s", ["x", entries[0].seq])
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("DELETE FROM audit_journalentry WHERE seq = %s", [entries[0].seq])
    assert verify().ok


def test_reason_is_encrypted_and_covered_by_the_hash(referent, case):
    entry = record(referent.actor, Action.VIEW_CASE, case, reason="Appel du 115 pour Mme X")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM audit_journalentry WHERE seq = %s", [entry.seq])
        assert "Mme X" not in cursor.fetchone()[0]
    assert verify().ok


def test_altered_reason_ciphertext_is_named(referent, case):
    entry = record(referent.actor, Action.VIEW_CASE, case, reason="motif")
    _drop_triggers()
    _raw("UPDATE audit_journalentry SET reason = %s WHERE seq = %s", ["v1.test1.AAAA", entry.seq])
    result = verify()
    assert not result.ok and result.first_bad_seq == entry.seq


def test_database_refuses_removing_the_head(entries):
    triggers.install(connection)
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("DELETE FROM audit_journalhead", [])


def test_removed_head_and_last_row_are_detected(entries):
    _drop_triggers()
    _raw("DELETE FROM audit_journalentry WHERE seq = %s", [entries[-1].seq])
    _raw("DELETE FROM audit_journalhead", [])
    assert not verify().ok


def test_key_rotation_keeps_the_chain_valid(entries, referent, case, settings, monkeypatch):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from parcours.core import crypto, keyconfig
    from parcours.core.rotation import rotate_all
    from tests.conftest import TEST_TOTP_SECRET, totp_code

    record(referent.actor, Action.VIEW_CASE, case, reason="motif confidentiel")
    TOTP.activate(referent.user, TEST_TOTP_SECRET)
    codes = RecoveryCodes.activate(referent.user).get_unused_codes()
    old = settings.FIELD_KEYS
    settings.FIELD_KEYS = keyconfig.KeyMaterial(
        field_keys=(("new", b"n" * 32), *old.field_keys), blind_index_key=old.blind_index_key
    )
    crypto.reset_keyring()
    try:
        triggers.install(connection)
        assert rotate_all() > 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT reason FROM audit_journalentry ORDER BY seq DESC LIMIT 1")
            assert cursor.fetchone()[0].startswith("v1.new.")
            cursor.execute("SELECT family_name FROM people_person")
            assert all(row[0].startswith("v1.new.") for row in cursor.fetchall())
        assert verify().ok
        case.person.refresh_from_db()
        assert case.person.family_name == "Fictif"
        # second factors still work once the old key is gone
        settings.FIELD_KEYS = keyconfig.KeyMaterial(
            field_keys=(("new", b"n" * 32),), blind_index_key=old.blind_index_key
        )
        crypto.reset_keyring()
        totp = TOTP(Authenticator.objects.get(user=referent.user, type="totp"))
        assert totp.validate_code(totp_code(TEST_TOTP_SECRET))
        rc = RecoveryCodes(Authenticator.objects.get(user=referent.user, type="recovery_codes"))
        assert rc.get_unused_codes() == codes
    finally:
        settings.FIELD_KEYS = old
        crypto.reset_keyring()


def test_migrations_leave_the_append_only_triggers_in_place(db):
    """A table rebuild (SQLite ALTER) would silently drop them: the migrated schema has them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"audit_journal_no_update", "audit_journal_no_delete"} <= names or {
        "audit_journal_append_only"
    } <= names
