"""One full evaluation pass of the alert rules (issue 15) over a seeded country: its time and
its SQL queries, medians of the runs.

    cd /work/main && .venv/bin/python bench/alerts.py --people 100000 --reuse       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/alerts.py --people 100000 --reuse                    # PostgreSQL

The database is ``bench/pages.py``'s (``parcours seed``, seed 42; kept with ``--reuse``, made
afresh and dropped otherwise). Prints, for ``rules.evaluate`` (every rule, every watched case)
and for ``tracking.sync`` (the worker's step: the pass plus the states kept in step; run once
before the timed runs, so the timed ones find the states in place), the median and the
slowest of ``--runs`` passes, the queries of one pass, and by rule the open alerts and the
time of one pass of that rule alone. Goal: under
10 s on PostgreSQL at 100,000 open cases, queries that do not grow with the cases.
"""

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def timed(function, runs: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds, queries, result = [], 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = function()
            seconds.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(seconds), max(seconds), queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()

    from bench import pages

    server_url, name = pages.configure(args.people, args.reuse)
    import django

    django.setup()
    from django.utils import timezone

    from parcours.alerts import rules, tracking
    from parcours.cases.models import Case

    try:
        seeded = pages.seed_country(args.people, args.batch)
        watched = Case.objects.filter(status__in=rules.WATCHED).count()
        print(
            f"{pages.database_label()}, {watched:,} watched cases "
            + (f"(seeded in {seeded:.0f} s)" if seeded else "(database reused)")
        )
        now = timezone.now()
        median, slowest, queries, found = timed(lambda: rules.evaluate(now), args.runs)
        print(f"evaluate: median {median:.2f} s, slowest {slowest:.2f} s, {queries} queries")
        counted = Counter(a.rule for a in found)
        for code, rule in sorted(rules.rules().items()):
            started = time.perf_counter()
            list(rule.find(now, None))
            took = time.perf_counter() - started
            print(f"  {code:24} {counted[code]:>7,} open  {took:6.2f} s")
        tracking.sync(now)
        median, slowest, queries, counts = timed(lambda: tracking.sync(now), args.runs)
        print(
            f"sync (states in place): median {median:.2f} s, slowest {slowest:.2f} s, "
            f"{queries} queries, {counts}"
        )
    finally:
        pages.release(args.reuse, server_url, name)


if __name__ == "__main__":
    os.environ.setdefault("PARCOURS_DEBUG", "false")
    main()
