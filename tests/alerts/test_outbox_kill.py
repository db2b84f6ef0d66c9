"""The worker killed (SIGKILL) in the middle of a sending pass, then restarted: every due e-mail
is sent exactly once, counted by Message-ID (issue 15, item 4).

A real ``parcours worker`` runs in another process, with Django's SMTP backend pointed at a mail
server of the test (``SmtpSink``: enough SMTP for smtplib, standard library only). It sees the
test's data: PostgreSQL's test database itself (the test is transactional, its rows are
committed), or SQLite's in-memory test database copied into a file (and read back from there).
The sink holds its answer to the end of DATA of the K-th e-mail, and the test kills the worker
there:

- before the server accepted the e-mail (it never answered): that e-mail is sent once, by the
  restarted worker, which takes over the dead one's claim (its delay made short here);
- after the server accepted it, before the worker marked it sent (the one window where an
  e-mail can go twice, ``alerts.notify``): the test holds the database's write lock while the
  sink answers, so the worker stops right there. The restarted worker sends that e-mail again
  with the same Message-ID: counted by Message-ID, it went once.

The system checks are skipped in the worker processes (``--skip-checks``: they import every
view, seconds per start, and are tested elsewhere). Every wait has a timeout.
"""

import email
import email.policy
import os
import signal
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction

from parcours.alerts.models import OutboxEmail
from parcours.alerts.notify import IDEMPOTENCY_HEADER, message_id, notify
from tests import personas

SRC = str(Path(__file__).resolve().parents[2] / "src")
N = 12  # due e-mails
K = 5  # the one during which the worker is killed
STALE = 1  # seconds before the restarted worker takes the dead one's claim over
WAIT = 60  # the longest any step may take before the test fails (it never hangs)


class _Handler(socketserver.StreamRequestHandler):
    timeout = WAIT  # a client silent for this long is dropped

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        try:
            self.reply("220 sink ready")
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    self.reply("250 sink")
                elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    self.reply("250 ok")
                elif verb == b"DATA":
                    self.reply("354 end with a dot")
                    raw = self.read_data()
                    if raw is None or not self.server.sink.end_of_data(raw, self):
                        return  # the client is gone, or the server drops it unanswered
                elif verb == b"QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not here")
        except OSError:
            return  # the client was killed, or went silent

    def read_data(self) -> bytes | None:
        lines = []
        while line := self.rfile.readline():
            if line == b".\r\n":
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)
        return None


class SmtpSink:
    """A mail server that records each e-mail it accepts (its answer 250 to the end of DATA)
    by Message-ID. At the end of DATA of the ``hold_at``-th e-mail it sets ``holding`` and waits
    for ``go``; then it accepts that e-mail (``accept_held``: records it, answers 250, sets
    ``answered``) or drops the connection without answering (the e-mail is not accepted)."""

    def __init__(self, hold_at: int, accept_held: bool):
        self.hold_at, self.accept_held = hold_at, accept_held
        self.holding, self.go, self.answered = (
            threading.Event(),
            threading.Event(),
            threading.Event(),
        )
        self.accepted: list[email.message.EmailMessage] = []
        self.held = None
        self._lock, self._seen = threading.Lock(), 0
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.sink = self
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def end_of_data(self, raw: bytes, handler: _Handler) -> bool:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self._seen += 1
            held = self._seen == self.hold_at
        if held:
            self.held = message
            self.holding.set()
            if not self.go.wait(WAIT) or not self.accept_held:
                return False
        with self._lock:
            self.accepted.append(message)
        handler.reply("250 accepted")
        if held:
            self.answered.set()
        return True

    def by_message_id(self) -> Counter:
        with self._lock:
            return Counter(message["Message-ID"] for message in self.accepted)

    def close(self):
        self.go.set()  # a held connection is let go
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(WAIT)


class _Database:
    """The test's data as a worker in another process sees it (see the module's docstring)."""

    def __init__(self, folder: Path):
        self.postgresql = connection.vendor == "postgresql"
        if self.postgresql:
            db = connection.settings_dict
            auth = quote(db["USER"] or "", safe="")
            if db["PASSWORD"]:
                auth += ":" + quote(db["PASSWORD"], safe="")
            host = quote(db["HOST"] or "localhost", safe="")
            self.url = f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"
        else:
            self.path = folder / "outbox.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            self.url = f"sqlite:///{self.path}"

    def rows(self) -> dict[int, tuple[str, int, str]]:
        """Each e-mail's status, attempts and last error, by id."""
        if self.postgresql:
            values = OutboxEmail.objects.values_list("pk", "status", "attempts", "last_error")
            return {pk: (status, attempts, error) for pk, status, attempts, error in values}
        with _sqlite(self.path) as db:
            query = "SELECT id, status, attempts, last_error FROM alerts_outboxemail"
            return {
                pk: (status, attempts, error) for pk, status, attempts, error in db.execute(query)
            }

    @contextmanager
    def writes_blocked(self, pk: int):
        """No one can mark e-mail ``pk`` sent while this lasts (PostgreSQL: its row is locked;
        SQLite: the database's write lock is held)."""
        if self.postgresql:
            with transaction.atomic():
                list(OutboxEmail.objects.select_for_update().filter(pk=pk))
                yield
        else:
            with _sqlite(self.path) as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                finally:
                    db.execute("ROLLBACK")

    def blocked_writer(self) -> int | None:
        """Wait until the worker waits for the lock (PostgreSQL: its session's id; SQLite says
        nothing of who waits: a moment is left to the worker to get there)."""
        if not self.postgresql:
            time.sleep(0.5)
            return None
        deadline = time.monotonic() + WAIT
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view, each time
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                if row := cursor.fetchone():
                    return row[0]
                time.sleep(0.05)
        pytest.fail("the worker never tried to mark the accepted e-mail sent")

    def end_session(self, pid: int | None) -> None:
        """A killed client's session waiting for a lock would still run its UPDATE once the
        lock is free (PostgreSQL notices the client is gone only when it answers): it ends
        here, as it would have had the worker died before sending it."""
        if pid is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@contextmanager
def _sqlite(path):
    db = sqlite3.connect(path, isolation_level=None, timeout=WAIT)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture(scope="module")
def bytecode(tmp_path_factory):
    """Where the worker processes cache their compiled modules, if this environment forbids
    writing them beside the sources (a cold start of Parcours compiles for seconds)."""
    return tmp_path_factory.mktemp("pycache")


@pytest.fixture
def _journal_triggers_back(django_db_setup, django_db_blocker):
    """After the flush that ends the test, the journal's triggers come back (as in
    tests/e2e/conftest.py) for the tests that run next in this process."""
    yield
    from parcours.audit import triggers

    with django_db_blocker.unblock():
        triggers.install(connection)


@pytest.fixture
def transactional_db(_journal_triggers_back, transactional_db):
    yield


class Outbox:
    """N due e-mails, the database a worker process sees, the sink and the worker processes."""

    def __init__(self, folder: Path, bytecode: Path):
        self.folder, self.bytecode = folder, bytecode
        member = personas.make_persona("destinataire")
        member.user.email = "destinataire@exemple.test"
        member.user.save(update_fields=["email"])
        for number in range(N):
            notify(
                "contact_lost",
                member.actor.organisation,
                ref=f"C-KILL-{number:02d}",
                user=member.user,
                params={"days": 30},
            )
        self.emails = list(OutboxEmail.objects.order_by("pk"))
        assert len(self.emails) == N and {e.status for e in self.emails} == {"pending"}
        self.expected = {message_id(e): e.pk for e in self.emails}
        self.db = _Database(folder)
        self.sink = None
        self.processes: list[subprocess.Popen] = []
        self._logs = []

    def start_sink(self, accept_held: bool) -> SmtpSink:
        try:
            self.sink = SmtpSink(hold_at=K, accept_held=accept_held)
        except OSError as error:  # no local socket allowed here: nothing to do with the code
            pytest.skip(f"cannot listen on 127.0.0.1: {error}")
        return self.sink

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DJANGO_"))}
        if env.pop("PYTHONDONTWRITEBYTECODE", None):
            env["PYTHONPYCACHEPREFIX"] = str(self.bytecode)
        env.update(
            {
                "PARCOURS_MODE": "test",
                "PARCOURS_DATA_DIR": str(self.folder),
                "PYTHONPATH": SRC,
                "DATABASE_URL": self.db.url,
                "PARCOURS_EMAIL_BACKEND": "smtp",
                "PARCOURS_EMAIL_HOST": "127.0.0.1",
                "PARCOURS_EMAIL_PORT": str(self.sink.port),
                "PARCOURS_EMAIL_TLS": "off",
                "PARCOURS_EMAIL_FROM": settings.DEFAULT_FROM_EMAIL,  # the Message-IDs' domain
                "PARCOURS_OUTBOX_STALE_CLAIM_SECONDS": str(STALE),
            }
        )
        return env

    def start_worker(self, *args) -> subprocess.Popen:
        log = open(self.folder / f"worker-{len(self.processes)}.log", "wb")
        self._logs.append(log)
        command = [sys.executable, "-m", "parcours.cli", "worker", "--skip-checks", *args]
        try:
            process = subprocess.Popen(
                command, env=self._env(), cwd=self.folder, stdout=log, stderr=log
            )
        except OSError as error:  # no process may be started here
            pytest.skip(f"cannot start a worker process: {error}")
        self.processes.append(process)
        return process

    def log(self, process) -> str:
        index = self.processes.index(process)
        return (self.folder / f"worker-{index}.log").read_text(errors="replace")

    def kill(self, process) -> None:
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(WAIT) == -signal.SIGKILL

    def run_once(self) -> str:
        process = self.start_worker("--once")
        try:
            code = process.wait(WAIT)
        except subprocess.TimeoutExpired:
            pytest.fail("the restarted worker did not finish its round:\n" + self.log(process))
        assert code == 0, self.log(process)
        return self.log(process)

    def statuses(self) -> Counter:
        return Counter(status for status, _attempts, _error in self.db.rows().values())

    def close(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(WAIT)
        for log in self._logs:
            log.close()
        if self.sink:
            self.sink.close()


@pytest.fixture
def outbox(journal_flushable, tmp_path, bytecode):
    box = Outbox(tmp_path, bytecode)
    try:
        yield box
    finally:
        box.close()


def _wait(event: threading.Event, outbox: Outbox, process, what: str) -> None:
    if not event.wait(WAIT):
        pytest.fail(f"the sink never {what}; the worker said:\n" + outbox.log(process))


def _held_pk(outbox: Outbox) -> int:
    """The outbox row of the e-mail the sink holds, known by its Message-ID."""
    held = outbox.sink.held["Message-ID"]
    assert held in outbox.expected, f"{held} is no Message-ID of the outbox's"
    return outbox.expected[held]


def _assert_each_sent_once(outbox: Outbox, out: str) -> Counter:
    assert "failed" not in out, out  # no step of the restarted worker's round failed
    counted = outbox.sink.by_message_id()
    assert set(counted) == set(outbox.expected)  # every due e-mail reached the server
    for message in outbox.sink.accepted:
        assert message[IDEMPOTENCY_HEADER] == message["Message-ID"]
        assert message["To"] == "destinataire@exemple.test"
    rows = outbox.db.rows()
    assert set(rows.values()) == {("sent", 1, "")}, rows  # none failed, none waits
    return counted


def test_a_worker_killed_before_the_server_answered_sends_each_email_once(outbox):
    sink = outbox.start_sink(accept_held=False)
    worker = outbox.start_worker("--every", "10")
    _wait(sink.holding, outbox, worker, f"received e-mail {K}")
    outbox.kill(worker)  # in the middle of the pass, the server not having answered
    sink.go.set()  # its connection is gone: e-mail K was never accepted
    assert outbox.statuses() == {"sent": K - 1, "sending": 1, "pending": N - K}
    assert outbox.db.rows()[_held_pk(outbox)][0] == "sending"  # the dead worker's claim
    time.sleep(STALE + 0.2)  # the claim gets old: the restarted worker takes it over
    out = outbox.run_once()
    assert f"e-mails sent: {N - K + 1}" in out, out
    counted = _assert_each_sent_once(outbox, out)
    assert len(sink.accepted) == N and set(counted.values()) == {1}  # exactly once each


def test_a_worker_killed_after_the_server_accepted_resends_with_the_same_message_id(outbox):
    sink = outbox.start_sink(accept_held=True)
    worker = outbox.start_worker("--every", "10")
    _wait(sink.holding, outbox, worker, f"received e-mail {K}")
    held = _held_pk(outbox)
    with outbox.db.writes_blocked(held):
        sink.go.set()  # the server accepts e-mail K ...
        _wait(sink.answered, outbox, worker, f"answered e-mail {K}")
        session = outbox.db.blocked_writer()  # ... and the worker is about to mark it sent
        outbox.kill(worker)
        outbox.db.end_session(session)
    assert outbox.statuses() == {"sent": K - 1, "sending": 1, "pending": N - K}
    assert outbox.db.rows()[held][0] == "sending"  # accepted, not marked: the ambiguous window
    time.sleep(STALE + 0.2)
    out = outbox.run_once()
    assert f"e-mails sent: {N - K + 1}" in out, out
    counted = _assert_each_sent_once(outbox, out)
    # E-mail K reached the server twice, with one Message-ID (and idempotency key): a receiver
    # that drops duplicates by Message-ID shows it once, like every other.
    twice = [m for m in sink.accepted if m["Message-ID"] == sink.held["Message-ID"]]
    assert len(twice) == 2
    assert twice[0][IDEMPOTENCY_HEADER] == twice[1][IDEMPOTENCY_HEADER]
    assert twice[0]["Subject"] == twice[1]["Subject"]
    assert len(counted) == N  # counted by Message-ID, each e-mail went once
    assert counted[sink.held["Message-ID"]] == 2 and len(sink.accepted) == N + 1
