"""Time `parcours seed` (issue 14): people and events per second, medians of 3 runs.

    cd /work/main && .venv/bin/python bench/seed.py                 # 2,000 people on SQLite
    .venv/bin/python bench/seed.py --people 5000 --runs 3
    DATABASE_URL=postgres://... .venv/bin/python bench/seed.py      # PostgreSQL too

Each run gets a fresh database (a throw-away SQLite file; on PostgreSQL a throw-away database
created next to the one ``DATABASE_URL`` names, dropped afterwards), migrated before the clock
starts. The country (organisations in every département, users, services) is timed apart from
the people, since it is built once per database. The data are fictional.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

CHILD = """
import json, os, resource, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from parcours.demo import seed
from parcours.demo.seed import country
from parcours.cases.models import Contact, Event
from parcours.audit.models import JournalEntry
from parcours.people.models import SearchToken
from parcours.alerts.models import Notification
from parcours.cases.models import Appointment
from parcours.conferences.models import Conference
from parcours.shelter.models import Placement
started = time.perf_counter()
country.ensure(None)
built = time.perf_counter()
mine = resource.getrusage(resource.RUSAGE_SELF)
with open(os.devnull, "w") as quiet:
    people, batch = int(os.environ["BENCH_PEOPLE"]), int(os.environ["BENCH_BATCH"])
    workers = int(os.environ["BENCH_WORKERS"]) if os.environ["BENCH_WORKERS"] else None
    seed.run(people_count=people, batch_size=batch, seed=42, stream=quiet, workers=workers)
done = time.perf_counter()
after = resource.getrusage(resource.RUSAGE_SELF)
workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"country": built - started, "people": done - built,
                  "cpu_writer": after.ru_utime + after.ru_stime - mine.ru_utime - mine.ru_stime,
                  "cpu_workers": workers_cpu.ru_utime + workers_cpu.ru_stime,
                  "events": Event.objects.count(), "contacts": Contact.objects.count(),
                  "journal": JournalEntry.objects.count(), "tokens": SearchToken.objects.count(),
                  "placements": Placement.objects.count(),
                  "appointments": Appointment.objects.count(),
                  "conferences": Conference.objects.count(),
                  "notifications": Notification.objects.count()}))
"""


def _child(env: dict) -> dict:
    out = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [PYTHON, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sqlite_run(base_env: dict) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        env = {**base_env, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}
        env["PARCOURS_DATA_DIR"] = folder
        return _child(env)


def _postgres_run(base_env: dict, url: str) -> dict:
    import psycopg

    name = f"parcours_seed_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        prefix, _, _old = url.rpartition("/")
        return _child({**base_env, "DATABASE_URL": f"{prefix}/{name}"})
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _report(label: str, results: list[dict], people: int) -> None:
    seconds = statistics.median(r["people"] for r in results)
    country = statistics.median(r["country"] for r in results)
    last = results[-1]
    print(f"{label}: {people:,} people, median of {len(results)} runs")
    print(f"  country (once per database): {country:.1f} s")
    print(
        f"  people: {seconds:.1f} s  {people / seconds:,.0f} people/s  "
        f"{last['events'] / seconds:,.0f} events/s  "
        f"({last['events']:,} events, {last['contacts']:,} contacts, "
        f"{last['journal']:,} journal entries, {last['tokens']:,} search tokens, "
        f"{last['placements']:,} placements, {last['appointments']:,} appointments, "
        f"{last['conferences']:,} conferences, {last['notifications']:,} notifications)"
    )
    writer = statistics.median(r["cpu_writer"] for r in results)
    workers = statistics.median(r["cpu_workers"] for r in results)
    print(
        f"  CPU: writing process {writer:.1f} s ({people / writer:,.0f} people/s of its CPU), "
        f"generating workers {workers:.1f} s in all"
    )
    hours = 1_000_000 / (people / seconds) / 3600
    print(f"  at this pace 1,000,000 people would take {hours:.1f} h")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workers", default="", help="generating processes (default: the seed's, one per core)"
    )
    parser.add_argument(
        "--postgres-only", action="store_true", help="skip the SQLite runs (DATABASE_URL's only)"
    )
    args = parser.parse_args()
    env = {
        **os.environ,
        "PARCOURS_MODE": "test",
        "BENCH_PEOPLE": str(args.people),
        "BENCH_BATCH": str(args.batch),
        "BENCH_WORKERS": args.workers,
    }
    url = env.pop("DATABASE_URL", "")
    if not args.postgres_only:
        _report("SQLite", [_sqlite_run(env) for _ in range(args.runs)], args.people)
    if url.startswith("postgres"):
        _report("PostgreSQL", [_postgres_run(env, url) for _ in range(args.runs)], args.people)


if __name__ == "__main__":
    main()
