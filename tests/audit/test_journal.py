"""The journal is append-only and tamper-evident: entries are sealed into signed, chained batches,
and `parcours audit verify` names the first entry or batch that does not hold."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from parcours.audit import signing, triggers
from parcours.audit.enums import Action
from parcours.audit.hashing import entry_hash
from parcours.audit.journal import record, verify
from parcours.audit.models import JournalBatch, JournalCheckpoint, JournalEntry
from parcours.audit.sealing import batch_hash, export_roots, seal
from parcours.cli import main


@pytest.fixture
def entries(referent, case):
    for _ in range(3):
        record(referent.actor, Action.VIEW_CASE, case, groups=["identity"])
    return list(JournalEntry.objects.order_by("seq"))


@pytest.fixture
def sealed(entries):
    seal()
    return list(JournalEntry.objects.order_by("seq"))


@pytest.fixture
def roots(settings, tmp_path):
    settings.JOURNAL_ROOTS_FILE = str(tmp_path / "journal-roots.jsonl")
    return tmp_path / "journal-roots.jsonl"


def _drop_triggers():
    """What an attacker with database rights would do before editing rows."""
    triggers.remove(connection)


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _forge_batch(number, **changes):
    """Rewrite a batch as an attacker who also stole the signing key would: consistent hash and
    a valid signature."""
    batch = JournalBatch.objects.get(number=number)
    for name, value in changes.items():
        setattr(batch, name, value)
    batch.hash = batch_hash(batch)
    batch.key_id, batch.signature = signing.sign(batch.hash.encode())
    _raw(
        "UPDATE audit_journalbatch SET root = %s, count = %s, hash = %s, signature = %s "
        "WHERE number = %s",
        [batch.root, batch.count, batch.hash, batch.signature, number],
    )


def test_intact_journal_verifies_before_and_after_sealing(entries):
    result = verify()
    assert result.ok and result.checked == len(entries) and result.pending == len(entries)
    assert seal() == len(entries)
    result = verify()
    assert result.ok and result.checked == len(entries)
    assert result.pending == 0 and result.batches == 1


def test_entries_name_who_what_and_which_groups(entries, referent, case):
    last = entries[-1]
    assert last.user == referent.user
    assert last.organisation == referent.actor.organisation
    assert last.action == Action.VIEW_CASE
    assert last.object_ref == case.ref
    assert last.groups == ["identity"]
    assert last.prev_hash == "" and last.hash == entry_hash(last)


def test_sealing_chains_signed_batches_and_a_round_seals_what_it_journaled(
    entries, referent, case, settings
):
    settings.JOURNAL_BATCH_MAX = 2
    assert len(entries) == 5  # the case's opening and participant, then three views
    assert seal() == 5
    first, second, third = JournalBatch.objects.order_by("number")
    assert (first.count, second.count, third.count) == (2, 2, 1)
    assert first.prev == "0" * 64 and second.prev == first.hash and third.prev == second.hash
    assert second.first_seq == entries[2].seq and third.last_seq == entries[4].seq
    assert JournalEntry.objects.filter(batch__isnull=True).count() == 0
    record(referent.actor, Action.VIEW_CASE, case)
    from parcours.alerts.worker import run_round

    counts = run_round()
    assert counts["journal entries sealed"] >= 1
    assert not JournalEntry.objects.filter(batch__isnull=True).exists()
    assert verify().ok


def test_an_entry_rolled_back_leaves_a_gap_that_is_not_a_fault(referent, case):
    before = JournalEntry.objects.count()
    record(referent.actor, Action.VIEW_CASE, case)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(referent.actor, Action.VIEW_CASE, case)
        raise RuntimeError("the request failed")
    record(referent.actor, Action.VIEW_CASE, case)
    seal()
    assert JournalEntry.objects.count() == before + 2
    assert verify().ok


def test_hand_edited_sealed_row_is_detected_and_named(sealed):
    target = sealed[1]
    _drop_triggers()
    _raw("UPDATE audit_journalentry SET action = %s WHERE seq = %s", ["case.list", target.seq])
    result = verify()
    assert not result.ok and result.first_bad_seq == target.seq
    with pytest.raises(CommandError, match=f"journal broken at entry {target.seq}"):
        call_command("audit", "verify", "--full")


def test_hand_edited_row_not_sealed_yet_is_detected(entries):
    _drop_triggers()
    _raw("UPDATE audit_journalentry SET groups = %s WHERE seq = %s", ['["health"]', entries[0].seq])
    result = verify()
    assert not result.ok and result.first_bad_seq == entries[0].seq


def test_removed_sealed_row_is_detected(sealed):
    _drop_triggers()
    _raw("DELETE FROM audit_journalentry WHERE seq = %s", [sealed[1].seq])
    result = verify()
    assert not result.ok and result.bad_batch == 1
    assert f"{len(sealed) - 1} found, {len(sealed)} sealed" in result.problem


def test_removed_last_rows_are_detected(sealed):
    _drop_triggers()
    _raw("DELETE FROM audit_journalentry WHERE seq >= %s", [sealed[-2].seq])
    result = verify()
    assert not result.ok and result.bad_batch == 1


def test_a_sealed_row_moved_to_a_later_batch_is_detected(sealed, referent, case):
    record(referent.actor, Action.VIEW_CASE, case)
    seal()
    _drop_triggers()
    _raw("UPDATE audit_journalentry SET batch_id = 2 WHERE seq = %s", [sealed[0].seq])
    result = verify()
    assert not result.ok and result.bad_batch == 1


def test_rewritten_entry_hash_does_not_hide_an_edit(sealed):
    """Recomputing one entry's hash breaks its batch's Merkle root instead."""
    target = sealed[0]
    _drop_triggers()
    target.groups = ["health"]
    _raw(
        "UPDATE audit_journalentry SET groups = %s, hash = %s WHERE seq = %s",
        ['["health"]', entry_hash(target), target.seq],
    )
    result = verify()
    assert not result.ok and result.bad_batch == 1 and result.first_bad_seq is None


def test_a_rewritten_batch_breaks_its_signature(sealed):
    target = sealed[0]
    _drop_triggers()
    target.groups = ["health"]
    _raw(
        "UPDATE audit_journalentry SET groups = %s, hash = %s WHERE seq = %s",
        ['["health"]', entry_hash(target), target.seq],
    )
    from parcours.audit import merkle

    leaves = [bytes.fromhex(e.hash) for e in JournalEntry.objects.order_by("seq")]
    root = merkle.root(leaves).hex()
    batch = JournalBatch.objects.get(number=1)
    batch.root = root
    _raw(
        "UPDATE audit_journalbatch SET root = %s, hash = %s WHERE number = 1",
        [root, batch_hash(batch)],
    )
    result = verify()
    assert not result.ok and result.bad_batch == 1 and "signature" in result.problem


def test_the_roots_file_catches_a_rewrite_signed_with_a_stolen_key(sealed, roots):
    assert export_roots() == 1
    line = json.loads(roots.read_text())
    assert line["number"] == 1 and line["hash"] == JournalBatch.objects.get().hash
    _drop_triggers()
    _raw("DELETE FROM audit_journalentry WHERE seq = %s", [sealed[2].seq])
    from parcours.audit import merkle

    leaves = [bytes.fromhex(e.hash) for e in JournalEntry.objects.order_by("seq")]
    _forge_batch(1, root=merkle.root(leaves).hex(), count=2)
    result = verify()
    assert not result.ok and result.bad_batch == 1 and "roots file" in result.problem


def test_a_removed_last_batch_shows_against_the_roots_file(sealed, roots, referent, case):
    record(referent.actor, Action.VIEW_CASE, case)
    seal()
    assert export_roots() == 2
    assert export_roots() == 0  # nothing twice
    _drop_triggers()
    _raw("DELETE FROM audit_journalentry WHERE batch_id = 2", [])
    _raw("DELETE FROM audit_journalbatch WHERE number = 2", [])
    result = verify()
    assert not result.ok and result.bad_batch == 2 and "roots file" in result.problem


def test_export_catches_up_after_a_crash(sealed, roots, referent, case):
    record(referent.actor, Action.VIEW_CASE, case)
    seal()  # two batches sealed, the process died before exporting either
    assert export_roots() == 2
    assert [json.loads(line)["number"] for line in roots.read_text().splitlines()] == [1, 2]


def test_incremental_verify_reads_only_the_new_entries(sealed, referent, case):
    call_command("audit", "verify")
    checkpoint = JournalCheckpoint.objects.get()
    assert checkpoint.batch_id == 1 and checkpoint.entries == len(sealed)
    record(referent.actor, Action.VIEW_CASE, case)
    seal()
    result = verify(full=False)
    assert result.ok and result.start_batch == 1 and result.checked == 1
    # An old entry edited by someone with full rights: the incremental run does not re-read it,
    # the full run (monthly, say) does, and names it.
    _drop_triggers()
    _raw("UPDATE audit_journalentry SET action = %s WHERE seq = %s", ["x", sealed[0].seq])
    assert verify(full=False).ok
    full = verify(full=True)
    assert not full.ok and full.first_bad_seq == sealed[0].seq


def test_incremental_verify_notices_a_checkpointed_batch_rewritten(sealed):
    call_command("audit", "verify")
    _drop_triggers()
    _forge_batch(1, root="f" * 64)
    result = verify(full=False)
    assert not result.ok and result.bad_batch == 1


def test_command_exits_non_zero(sealed):
    _drop_triggers()
    _raw(
        "UPDATE audit_journalentry SET object_ref = %s WHERE seq = %s",
        ["C-XXXX-XX", sealed[0].seq],
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "verify", "--full"])
    assert exit_info.value.code != 0


def test_seal_command_and_public_key(entries, capsys):
    call_command("audit", "seal")
    assert f"{len(entries)} entries sealed" in capsys.readouterr().out
    call_command("audit", "public-key")
    assert capsys.readouterr().out.strip() == signing.public_key_text()


def test_verify_with_only_the_public_key(sealed, monkeypatch):
    """An auditor holds the public key, not the worker's private one."""
    public = signing.public_key_text()
    monkeypatch.setenv("PARCOURS_JOURNAL_VERIFY_KEYS", public)
    monkeypatch.setattr(signing, "signing_key", _no_key)
    assert verify().ok
    monkeypatch.delenv("PARCOURS_JOURNAL_VERIFY_KEYS")
    result = verify()
    assert not result.ok and "known key" in result.problem


def _no_key():
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("no signing key here")


def test_production_without_a_signing_key_refuses_to_seal(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("PARCOURS_JOURNAL_SIGNING_KEY", raising=False)
    settings.MODE = "production"
    signing.reset()
    try:
        with pytest.raises(ImproperlyConfigured, match="PARCOURS_JOURNAL_SIGNING_KEY"):
            signing.signing_key()
    finally:
        settings.MODE = "test"
        signing.reset()


def test_orm_refuses_updates_and_deletes(sealed):
    with pytest.raises(PermissionError):
        JournalEntry.objects.filter(pk=sealed[0].pk).update(action="x")
    with pytest.raises(PermissionError):
        JournalEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        sealed[0].delete()
    sealed[0].action = "x"
    with pytest.raises(PermissionError):
        sealed[0].save()
    batch = JournalBatch.objects.get()
    with pytest.raises(PermissionError):
        batch.delete()
    with pytest.raises(PermissionError):
        JournalBatch.objects.update(root="x")


def test_database_refuses_updates_and_deletes(sealed, referent, case):
    triggers.install(connection)  # a transactional test earlier in this worker may have lifted them
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_journalentry SET action = %s WHERE seq = %s", ["x", sealed[0].seq])
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("DELETE FROM audit_journalentry WHERE seq = %s", [sealed[0].seq])
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_journalbatch SET root = %s", ["f" * 64])
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("DELETE FROM audit_journalbatch", [])
    record(referent.actor, Action.VIEW_CASE, case)
    seal()  # sealing, the one update allowed, still works under the triggers
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_journalentry SET batch_id = 2 WHERE seq = %s", [sealed[0].seq])
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_journalentry SET batch_id = NULL WHERE seq = %s", [sealed[0].seq])
    assert verify().ok


def test_reason_is_encrypted_and_covered_by_the_hash(referent, case):
    entry = record(referent.actor, Action.VIEW_CASE, case, reason="Appel du 115 pour Mme X")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM audit_journalentry WHERE seq = %s", [entry.seq])
        assert "Mme X" not in cursor.fetchone()[0]
    seal()
    assert verify().ok


def test_altered_reason_ciphertext_is_named(referent, case):
    entry = record(referent.actor, Action.VIEW_CASE, case, reason="motif")
    seal()
    _drop_triggers()
    _raw("UPDATE audit_journalentry SET reason = %s WHERE seq = %s", ["v1.test1.AAAA", entry.seq])
    result = verify()
    assert not result.ok and result.first_bad_seq == entry.seq


def test_the_national_coordination_gets_the_days_root_once(sealed, db):
    from django.core import mail

    from parcours.accounts.models import Membership, Organisation, User
    from parcours.alerts.models import Notification
    from parcours.alerts.notify import send_due
    from parcours.audit.sealing import send_daily_root
    from parcours.core.roles import OrganisationKind, Role

    national = Organisation.objects.create(
        name="Coordination nationale (fictive)", kind=OrganisationKind.NATIONAL_COORDINATOR
    )
    user = User.objects.create_user("nat.coord", email="nat.coord@example.org")
    Membership.objects.create(user=user, organisation=national, role=Role.COORDINATOR)
    assert send_daily_root() == 1
    assert send_daily_root() == 0
    notification = Notification.objects.get(organisation=national, kind="journal_root")
    batch = JournalBatch.objects.get()
    assert notification.params["hash"] == batch.hash
    send_due()
    assert any(batch.hash in message.body for message in mail.outbox)


def test_key_rotation_keeps_the_journal_valid(sealed, referent, case, settings, monkeypatch):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from parcours.core import crypto, keyconfig
    from parcours.core.rotation import rotate_all
    from tests.conftest import TEST_TOTP_SECRET, totp_code

    record(referent.actor, Action.VIEW_CASE, case, reason="motif confidentiel")
    seal()
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
    assert {
        "audit_journal_no_update",
        "audit_journal_no_delete",
        "audit_journal_sealed_once",
        "audit_journalbatch_no_update",
    } <= names or {"audit_journal_append_only", "audit_journalbatch_keep"} <= names


@pytest.mark.django_db(transaction=True)
def test_a_journaled_request_does_not_wait_for_another_to_commit(journal_flushable, referent, case):
    """The journal used to lock one row per append until commit: every journaled read of the
    country queued on it. Now a second request journals and commits while the first is open."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever the journal does")
    import threading

    from django.db import connections

    written, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow_request():
        try:
            with transaction.atomic():
                record(referent.actor, Action.VIEW_CASE, case)
                written.set()
                release.wait(10)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=slow_request)
    thread.start()
    try:
        assert written.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            entry = record(referent.actor, Action.VIEW_CASE, case)
        assert JournalEntry.objects.filter(pk=entry.pk).exists()
    finally:
        release.set()
        thread.join(10)
    assert done.is_set()
    seal()
    assert verify().ok


def test_the_worker_refuses_to_start_in_production_without_the_signing_key(
    db, settings, monkeypatch
):
    monkeypatch.delenv("PARCOURS_JOURNAL_SIGNING_KEY", raising=False)
    monkeypatch.setattr(
        "parcours.alerts.management.commands.worker.check_keys_against_database", _ok
    )
    settings.MODE = "production"
    signing.reset()
    try:
        with pytest.raises(CommandError, match="refusing to start: Set PARCOURS_JOURNAL_SIGNING"):
            call_command("worker", "--once")
    finally:
        settings.MODE = "test"
        signing.reset()
    assert not JournalBatch.objects.exists()  # no round ran


def _ok():
    return None
