"""The journal at scale (issue 14, item 3): concurrent appends, sealing, and verification.

    .venv/bin/python bench/journal.py [--entries 200000] [--new 10000] [--threads 8]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/journal.py

A throw-away database (``/tmp/parcours_bench_journal.sqlite3``, or ``parcours_bench_journal`` on
the PostgreSQL server of ``DATABASE_URL``), test mode (fixed test keys). Prints:

1. **Appends under concurrency** (PostgreSQL only): ``--threads`` threads each run requests
   that journal one entry and then spend ``--hold`` ms more in their transaction (the rest of a
   page), measured twice side by side: as the journal is now (a sequence, no shared lock) and as
   it was before issue 14 (every append locks one head row until commit, emulated by locking a
   row of a scratch table first). Prints requests/s and the ratio.
2. **Sealing**: ``--entries`` entries written in bulk (``record_entries``), then sealed by the
   worker's step (``audit.sealing.seal``): entries/s.
3. **Verification**: ``verify --full`` over all of them, then ``--new`` more entries sealed and
   the incremental ``verify`` (from the checkpoint of the full run): seconds and entries/s,
   with the estimate for 19,000,000 entries (the issue's figure: 7 min 45 s from scratch).
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.gettempdir())
NAME = "parcours_bench_journal"


def configure() -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    from pages import _drop_sqlite, _postgres

    os.environ["PARCOURS_MODE"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "parcours.settings"
    data_dir = TMP / "parcours_bench_data"
    data_dir.mkdir(exist_ok=True)
    os.environ["PARCOURS_DATA_DIR"] = str(data_dir)
    os.environ["PARCOURS_JOURNAL_ROOTS_FILE"] = str(TMP / f"{NAME}-roots.jsonl")
    Path(os.environ["PARCOURS_JOURNAL_ROOTS_FILE"]).unlink(missing_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = _postgres(url, NAME, reuse=False)
        return url
    path = TMP / f"{NAME}.sqlite3"
    _drop_sqlite(path)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return ""


def _actor():
    from parcours.accounts.models import Membership, Organisation, User
    from parcours.core.actor import Actor
    from parcours.core.roles import OrganisationKind, Role

    org = Organisation.objects.create(
        name="Association fictive du banc", kind=OrganisationKind.ASSOCIATION, departement="33"
    )
    user = User.objects.create_user("banc.journal")
    membership = Membership.objects.create(user=user, organisation=org, role=Role.CASEWORKER)
    return Actor(user, membership, (membership,))


class _Ref:
    """An object with a reference, as the journal names what it is about."""

    class _meta:  # noqa: N801 (what ``journal._entry`` reads)
        model_name = "case"

    def __init__(self, ref):
        self.ref = ref


def bench_appends(actor, threads: int, per_thread: int, hold_ms: float) -> None:
    from django.db import connection, connections, transaction

    from parcours.audit.enums import Action
    from parcours.audit.journal import record

    if connection.vendor != "postgresql":
        print("appends under concurrency: PostgreSQL only (SQLite has one writer at a time)")
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_head (id int PRIMARY KEY)")
        cursor.execute("INSERT INTO bench_head VALUES (1) ON CONFLICT DO NOTHING")

    def run(locked: bool) -> float:
        start = threading.Barrier(threads + 1)

        def worker(n):
            try:
                start.wait()
                for i in range(per_thread):
                    with transaction.atomic():
                        if locked:  # before issue 14: the head row, locked until commit
                            with connection.cursor() as cursor:
                                cursor.execute("SELECT id FROM bench_head WHERE id = 1 FOR UPDATE")
                        record(actor, Action.VIEW_CASE, _Ref(f"C-{n:04d}-{i % 100:02d}"))
                        time.sleep(hold_ms / 1000)
            finally:
                connections.close_all()

        pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for thread in pool:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in pool:
            thread.join()
        return threads * per_thread / (time.perf_counter() - began)

    before = run(locked=True)
    after = run(locked=False)
    print(
        f"appends, {threads} threads x {per_thread} requests holding {hold_ms:.0f} ms after the "
        f"append: one head row locked (before) {before:,.0f} requests/s, sequence (now) "
        f"{after:,.0f} requests/s, ratio {after / before:.1f}x"
    )


def write_entries(actor, count: int) -> float:
    from parcours.audit.enums import Action
    from parcours.audit.journal import record_entries

    began = time.perf_counter()
    for start in range(0, count, 20000):
        rows = [
            (actor, Action.VIEW_CASE, _Ref(f"C-{n:06d}"), None, ("identity",), "", None)
            for n in range(start, min(count, start + 20000))
        ]
        record_entries(rows)
    return time.perf_counter() - began


def timed(function, *args, **kwargs):
    began = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--new", type=int, default=10_000, help="entries after the checkpoint")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--per-thread", type=int, default=25)
    parser.add_argument("--hold", type=float, default=20.0, help="ms a request holds after")
    parser.add_argument("--runs", type=int, default=3, help="runs of the incremental verify")
    args = parser.parse_args()
    server = configure()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from parcours.audit.sealing import seal
    from parcours.audit.verification import record_checkpoint, verify

    try:
        call_command("migrate", verbosity=0)
        print(f"{connection.vendor} {connection.Database.__name__}, database {NAME}")
        actor = _actor()
        bench_appends(actor, args.threads, args.per_thread, args.hold)
        seal()
        written = write_entries(actor, args.entries)
        sealed, sealing = timed(seal)
        print(
            f"write {args.entries:,} entries in bulk: {written:.1f} s; seal {sealed:,}: "
            f"{sealing:.1f} s ({sealed / sealing:,.0f} entries/s)"
        )
        result, full = timed(verify, full=True)
        assert result.ok, result
        record_checkpoint(result, timezone.now())
        rate = result.checked / full
        print(
            f"verify --full: {result.checked:,} entries, {result.batches:,} batches in "
            f"{full:.1f} s "
            f"({rate:,.0f} entries/s; 19,000,000 would take {19_000_000 / rate / 60:.1f} min)"
        )
        write_entries(actor, args.new)
        seal()
        times = []
        for _ in range(args.runs):
            result, seconds = timed(verify, full=False)
            assert result.ok and result.checked == args.new, result
            times.append(seconds)
        print(
            f"verify (incremental, {args.new:,} entries sealed after the checkpoint of "
            f"{result.start_batch:,} batches): median {statistics.median(times):.2f} s of "
            f"{args.runs} runs; the full run took {full:.1f} s, ratio "
            f"{full / statistics.median(times):.0f}x"
        )
    finally:
        connection.close()
        if server:
            from pages import _drop_postgres

            _drop_postgres(server, NAME)


if __name__ == "__main__":
    main()
