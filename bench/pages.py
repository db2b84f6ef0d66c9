"""Time the pages of issue 14 on a seeded country: medians, p95 and SQL queries per page.

    cd /work/main && .venv/bin/python bench/pages.py                  # 10,000 people, SQLite
    .venv/bin/python bench/pages.py --people 10000 --reuse            # keep the seeded database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py

The database is seeded by ``parcours seed`` (``parcours.demo.seed.run``, seed 42): a SQLite file
``/tmp/parcours_bench_<N>.sqlite3``, or, when ``DATABASE_URL`` names a PostgreSQL server, a
database ``parcours_bench_<N>`` created on that server. Without ``--reuse`` it is made afresh
and thrown away at the end; with ``--reuse`` an existing one is kept, completed if a seeding was
interrupted, and left for the next run (seeding takes about 184 people/s).

The personas are picked from the seeded data (the association whose case count is nearest 50,
the territorial coordinator of the département with the most cases, ...) and signed in as
``tests.personas.sign_in`` does (``force_login`` and the session's record of a second factor).
Each page is requested in-process by Django's test ``Client``: 3 warm-up requests, then
``--requests`` timed ones, then 5 more whose SQL queries are counted (``CaptureQueriesContext``)
and timed one by one. ``--explain`` prints the plans of each page's two slowest SELECTs
(``EXPLAIN ANALYZE`` on PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite), ``--profile`` a cProfile
of one request of the slowest page. The data are fictional.
"""

import argparse
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.gettempdir())  # /tmp here
SEED = 42
WARM_UP = 3
COUNTED = 5  # requests whose queries are counted and timed, after the timed ones


# -- the database -----------------------------------------------------------------------------


def _postgres(url: str, name: str, reuse: bool) -> str:
    """The URL of database ``name`` on the server of ``url``, created (afresh unless ``reuse``)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reuse:
            admin.execute(f'DROP DATABASE "{name}"')
        if not exists or not reuse:
            admin.execute(f'CREATE DATABASE "{name}"')
    prefix, _, _old = url.rpartition("/")
    return f"{prefix}/{name}"


def _drop_postgres(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _drop_sqlite(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def configure(people: int, reuse: bool) -> tuple[str, str]:
    """Point the settings at the benchmark's database (before ``django.setup``); returns the
    server URL to drop the database from afterwards (empty for SQLite) and the database name."""
    os.environ["PARCOURS_MODE"] = "test"  # fixed test keys: a reused database still decrypts
    os.environ["DJANGO_SETTINGS_MODULE"] = "parcours.settings"
    data_dir = TMP / "parcours_bench_data"
    data_dir.mkdir(exist_ok=True)
    os.environ["PARCOURS_DATA_DIR"] = str(data_dir)
    name = f"parcours_bench_{people}"
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = _postgres(url, name, reuse)
        return url, name
    path = TMP / f"{name}.sqlite3"
    if not reuse:
        _drop_sqlite(path)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return "", str(path)


def seed_country(people: int, batch: int) -> float:
    """Migrate and seed up to ``people`` people (continuing an interrupted run); seconds spent."""
    from django.core.management import call_command
    from django.db.models import Sum

    from parcours.demo import seed
    from parcours.demo.models import SeedRun

    call_command("migrate", verbosity=0)
    done = SeedRun.objects.aggregate(done=Sum("people_done"))["done"] or 0
    if done >= people:
        return 0.0
    started = time.perf_counter()
    run = SeedRun.objects.filter(seed=SEED).first()
    seed.run(
        people_count=people,
        batch_size=run.batch_size if run else batch,
        seed=SEED,
        stream=sys.stderr,
    )
    return time.perf_counter() - started


# -- the personas -----------------------------------------------------------------------------


@dataclass
class Personas:
    association: object  # the organisation whose case count is nearest 50
    association_cases: int
    caseworker: object  # a caseworker of it
    territorial: object  # coordinator of the territorial coordination of the busiest département
    departement: str
    departement_cases: int
    case: object  # the association's case with the most events
    case_events: int
    given_name: str  # the most frequent first given name among the association's people
    given_name_count: int
    given_name_national: int  # people of the whole country the name's tokens match
    person: object  # the person with the most journal entries about them
    person_referent: object  # the referent caseworker of that person's case
    history_rows: int
    history_added: int = 0
    notes: list = field(default_factory=list)


def _member(organisation, role):
    from parcours.accounts.models import Membership

    membership = (
        Membership.objects.filter(organisation=organisation, role=role, active=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        sys.exit(f"No active {role} in {organisation.name}: the seeded country is incomplete.")
    return membership.user


def pick_personas(history_target: int) -> Personas:
    from django.db.models import Count

    from parcours.accounts.models import Organisation
    from parcours.audit.models import JournalEntry
    from parcours.cases.models import Case, Event
    from parcours.core.roles import OrganisationKind, Role
    from parcours.demo.seed.country import SUFFIX
    from parcours.people.models import Person
    from parcours.people.search import matching_person_ids

    counts = (
        Case.objects.filter(referent_org__kind=OrganisationKind.ASSOCIATION)
        .filter(referent_org__name__endswith=SUFFIX)
        .values("referent_org")
        .annotate(n=Count("pk"))
        .order_by()
    )
    best = min(counts, key=lambda row: (abs(row["n"] - 50), row["referent_org"]), default=None)
    if best is None:
        sys.exit("No seeded association holds a case: seed the database first.")
    association = Organisation.objects.get(pk=best["referent_org"])

    by_dep = (
        Case.objects.values("referent_org__departement")
        .annotate(n=Count("pk"))
        .order_by("-n", "referent_org__departement")
        .first()
    )
    dep = by_dep["referent_org__departement"]
    coordination = Organisation.objects.get(
        kind=OrganisationKind.TERRITORIAL_COORDINATOR, departement=dep, name__endswith=SUFFIX
    )

    case_row = (
        Event.objects.filter(case__referent_org=association)
        .values("case")
        .annotate(n=Count("pk"))
        .order_by("-n", "case")
        .first()
    )
    case = Case.objects.select_related("referent_user", "person").get(pk=case_row["case"])

    # Decrypt the association's people only (never the country's) for their first given names.
    names = Counter(
        person.given_names.split()[0]
        for person in Person.objects.filter(cases__referent_org=association).only("given_names")
        if person.given_names.strip()
    )
    given_name, given_count = min(names.items(), key=lambda item: (-item[1], item[0]))

    top = (
        JournalEntry.objects.filter(object_type="case")
        .values("object_ref")
        .annotate(n=Count("pk"))
        .order_by("-n", "object_ref")
        .first()
    )
    top_case = Case.objects.select_related("person", "referent_user").get(ref=top["object_ref"])
    personas = Personas(
        association=association,
        association_cases=best["n"],
        caseworker=_member(association, Role.CASEWORKER),
        territorial=_member(coordination, Role.COORDINATOR),
        departement=dep,
        departement_cases=by_dep["n"],
        case=case,
        case_events=case_row["n"],
        given_name=given_name,
        given_name_count=given_count,
        given_name_national=len(matching_person_ids(given_name)),
        person=top_case.person,
        person_referent=top_case.referent_user,
        history_rows=0,
    )
    grow_history(personas, top_case, history_target)
    return personas


def grow_history(personas: Personas, case, target: int) -> None:
    """Bring the person's access history up to ``target`` rows: the referent views the case
    (journaled by ``audit.journal.record`` as the case page does) as many times as missing."""
    from django.db import transaction
    from django.db.models import Max

    from parcours.access import rules
    from parcours.audit.enums import Action
    from parcours.audit.journal import history_for, record
    from parcours.core.actor import actor_for
    from parcours.demo.models import SeedRun

    have = history_for(personas.person).count()
    missing = max(0, target - have)
    if missing:
        actor = actor_for(personas.person_referent)
        groups = sorted(rules.groups_for(actor, case))
        for start in range(0, missing, 500):
            with transaction.atomic():
                for _ in range(min(500, missing - start)):
                    record(actor, Action.VIEW_CASE, case, groups=groups, related=case.person)
    seeded = SeedRun.objects.aggregate(end=Max("finished_at"))["end"]
    personas.history_rows = have + missing
    personas.history_added = history_for(personas.person).filter(at__gt=seeded).count()


# -- the clients and the timing ---------------------------------------------------------------


def signed_in(user):
    """A test client signed in as ``user`` with a security key, as ``tests.personas.sign_in``."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "username": user.username},
        {"method": "mfa", "at": now, "type": "webauthn"},
    ]
    session.save()
    return client


@dataclass
class Cell:
    label: str
    times: list  # seconds
    queries: int
    rows: int  # distinct case references linked on the page (a sanity check)
    slowest: list  # (seconds, sql, params) of the counted request, slowest first
    request: tuple = ()  # (client, method, url, data), to request the page again

    @property
    def sql_ms(self) -> float:
        return sum(q[0] for q in self.slowest) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


class QueryTimer:
    """An ``execute_wrapper`` keeping each query's SQL, parameters and duration."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql, params))


CASE_LINK = re.compile(r"/dossiers/(C-[0-9A-Z]{4}-[0-9A-Z]{2})/")


def _call(client, method: str, url: str, data: dict | None, label: str):
    response = getattr(client, method)(url, data or {})
    if response.status_code != 200:
        where = response.get("Location", "")
        sys.exit(
            f"{label}: {method.upper()} {url} answered {response.status_code}"
            + (f" (to {where})" if where else "")
            + ": the persona is not signed in as the page needs, or the page fails. Stopping."
        )
    return response


def measure(label, client, method, url, data, requests: int) -> Cell:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        _call(client, method, url, data, label)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        _call(client, method, url, data, label)
        times.append(time.perf_counter() - started)
    # The queries of a few more requests, counted and timed one by one: each query's time is
    # its median over those requests (one sample of a 1 ms query is mostly noise).
    runs = []
    for _ in range(COUNTED):
        timer = QueryTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            response = _call(client, method, url, data, label)
        runs.append(timer.queries)
    queries = runs[-1]
    if all(len(run) == len(queries) for run in runs):
        queries = [
            (statistics.median(run[i][0] for run in runs), sql, params)
            for i, (_seconds, sql, params) in enumerate(queries)
        ]
    rows = len(set(CASE_LINK.findall(response.content.decode())))
    slowest = sorted(queries, key=lambda q: q[0], reverse=True)
    return Cell(label, times, len(captured), rows, slowest, (client, method, url, data))


def explain(sql: str, params) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" ".join(str(part) for part in row) for row in cursor.fetchall()]


def profile(cell: Cell, lines: int = 30) -> None:
    """Where one request of ``cell``'s page spends its time (cProfile, cumulative)."""
    import cProfile
    import io
    import pstats

    client, method, url, data = cell.request
    profiler = cProfile.Profile()
    profiler.enable()
    _call(client, method, url, data, cell.label)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    print(f"\nprofile of one request of {cell.label} (cumulative, then own time; top {lines}):")
    print(out.getvalue().strip())


# -- the run ----------------------------------------------------------------------------------


def run_pages(personas: Personas, requests: int) -> list[Cell]:
    from django.urls import reverse

    my_cases = reverse("my_cases")
    caseworker = signed_in(personas.caseworker)
    coordinator = signed_in(personas.territorial)
    referent = signed_in(personas.case.referent_user)
    person_referent = signed_in(personas.person_referent)
    case_url = reverse("case_detail", kwargs={"ref": personas.case.ref})
    person_url = reverse("person_detail", kwargs={"ref": personas.person.ref})
    pages = [
        (
            f'"my cases", association with {personas.association_cases} cases',
            caseworker,
            "get",
            my_cases,
            None,
        ),
        ('"my cases", territorial coordinator, page 1', coordinator, "get", my_cases, None),
        (f"case page, referent ({personas.case_events} events)", referent, "get", case_url, None),
        (
            f'search by a common given name ("{personas.given_name}")',
            caseworker,
            "post",
            my_cases,
            {"q": personas.given_name},
        ),
        (
            f"person page with {personas.history_rows:,} history rows",
            person_referent,
            "get",
            person_url,
            None,
        ),
    ]
    cells = []
    for label, client, method, url, data in pages:
        print(f"  timing {label}...", file=sys.stderr, flush=True)
        cells.append(measure(label, client, method, url, data, requests))
    return cells


def counts() -> dict[str, int]:
    from parcours.audit.models import JournalEntry
    from parcours.cases.models import Case, Event
    from parcours.people.models import Person

    return {
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "events": Event.objects.count(),
        "journal": JournalEntry.objects.count(),
    }


def database_label() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def report(args, personas: Personas, cells: list[Cell], before: dict, seeded: float) -> None:
    people = before["people"]
    print(f"\n{database_label()}, {people:,} people (seed {SEED}), in-process test client,")
    print(f"{WARM_UP} warm-up requests then {args.requests} timed requests per page")
    print(
        f"  {before['cases']:,} cases, {before['events']:,} events, "
        f"{before['journal']:,} journal rows before the run"
        + (f"; seeded in {seeded:.0f} s" if seeded else "; database reused")
    )
    print(
        f"  association: {personas.association.name} ({personas.association_cases} cases), "
        f"caseworker {personas.caseworker.username}"
    )
    print(
        f"  territorial coordinator of {personas.departement} "
        f"({personas.departement_cases:,} cases): {personas.territorial.username}"
    )
    print(f"  case page: {personas.case.ref} ({personas.case_events} events)")
    print(
        f'  search: "{personas.given_name}", first given name of '
        f"{personas.given_name_count} of the association's people; its tokens match "
        f"{personas.given_name_national:,} people in the country"
    )
    added = (
        f", {personas.history_added:,} of them written after the seed by this benchmark (the "
        "referent viewing the case, journaled by audit.journal.record, up to --history; and "
        "the person pages of earlier runs)"
        if personas.history_added
        else ""
    )
    print(f"  person page: {personas.person.ref}, {personas.history_rows:,} history rows{added}")

    width = max(len(cell.label) for cell in cells)
    print(f"\n| {'page':<{width}} | median | p95 | SQL queries | in SQL | cases linked | status |")
    print(f"|{'-' * (width + 2)}|-------:|----:|------------:|-------:|-------------:|-------:|")
    for cell in cells:
        print(
            f"| {cell.label:<{width}} | {cell.median_ms:.0f} ms | {cell.p95_ms:.0f} ms "
            f"| {cell.queries} | {cell.sql_ms:.1f} ms | {cell.rows} | 200 |"
        )
    print(
        f"(in SQL: the time spent in the database driver by a request, median of {COUNTED} "
        "counted requests query by query; the rest of the median is Python)"
    )
    slowest = max(cells, key=lambda cell: cell.median_ms)
    print(f"\nslowest page: {slowest.label} ({slowest.median_ms:.0f} ms median)")
    print(f"\nslowest queries of each page (median of {COUNTED} counted requests):")
    for cell in cells:
        print(f"- {cell.label}: {cell.queries} queries, {cell.sql_ms:.1f} ms in SQL")
        for seconds, sql, _params in cell.slowest[:3]:
            print(f"    {seconds * 1000:6.1f} ms  {' '.join(sql.split())[:150]}")
    if args.explain:
        for cell in cells:
            selects = [q for q in cell.slowest if q[1].lstrip().upper().startswith("SELECT")]
            if not selects:
                continue
            for rank, (seconds, sql, params) in enumerate(selects[:2], start=1):
                print(f"\nplan of SELECT #{rank} of {cell.label} ({seconds * 1000:.1f} ms):")
                print(f"  {' '.join(sql.split())}")
                print(f"  params: {list(params or ())}")
                for line in explain(sql, params):
                    print(f"    {line}")
    if args.profile:
        profile(slowest)
    after = counts()
    print(f"\njournal rows after the run: {after['journal']:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--reuse", action="store_true", help="keep and reuse the seeded database between runs"
    )
    parser.add_argument("--batch", type=int, default=2000, help="people per seeding batch")
    parser.add_argument(
        "--history",
        type=int,
        default=11586,
        help="history rows wanted on the person page (added when the seed gives fewer)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each page's slowest SELECT"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile one request of the slowest page"
    )
    args = parser.parse_args()
    if args.requests < 1 or args.people < 1:
        parser.error("--people and --requests must be at least 1")
    server, name = configure(args.people, args.reuse)
    sys.path.insert(0, str(ROOT / "src"))
    import logging

    import django

    django.setup()
    logging.getLogger("parcours.request").setLevel(logging.WARNING)  # one line per request
    try:
        seeded = seed_country(args.people, args.batch)
        personas = pick_personas(args.history)
        before = counts()
        cells = run_pages(personas, args.requests)
        report(args, personas, cells, before, seeded)
    finally:
        if args.reuse:
            print(f"database kept for --reuse: {name}", file=sys.stderr)
        elif server:
            _drop_postgres(server, name)
        else:
            from django.db import connections

            connections.close_all()
            _drop_sqlite(Path(name))


if __name__ == "__main__":
    main()
