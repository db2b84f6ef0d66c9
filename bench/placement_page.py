"""What the ranking page costs with the database in the loop (issue 5): load the network's
5,000 facilities from the database, build the table and rank, as ``shelter.ranking.ranked``
does on every request. Fictional data in a throw-away SQLite database.

Run from the repository root:  .venv/bin/python bench/placement_page.py [--facilities N]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="parcours-bench-")
    os.environ.update({"PARCOURS_MODE": "demo", "PARCOURS_DATA_DIR": data_dir})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
    import django

    django.setup()
    import placement as synthetic  # bench/placement.py: the same synthetic network
    from django.core.management import call_command
    from django.utils import timezone

    from parcours.accounts.models import Organisation
    from parcours.shelter import network
    from parcours.shelter.matching import FacilityTable, rank  # noqa: F401
    from parcours.shelter.models import Facility

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(5)
    points = synthetic.metropolitan_points()
    org = Organisation.objects.create(
        name="Réseau fictif", kind="shelter_facility", departement="35"
    )
    now = timezone.now()
    Facility.objects.bulk_create(
        Facility(
            organisation=org,
            name=f"Établissement fictif {row.id}",
            kind="chrs",
            address="rue imaginaire",
            departement=row.departement,
            lat=round(row.lat, 2),
            lon=round(row.lon, 2),
            capacity=row.capacity,
            free=row.free,
            availability_at=now,
            accepts_women=row.accepts_women,
            accepts_men=row.accepts_men,
            accepts_minors=row.accepts_minors,
            accepts_adults=row.accepts_adults,
            families=row.families,
            pets=row.pets,
            languages=sorted(row.languages),
            security_level=row.security_level,
        )
        for row in synthetic.facilities(rng, points, args.facilities)
    )
    requests = synthetic.requests(rng, points, args.runs)
    load, build, cached, ranking, total = [], [], [], [], []
    for request in requests:
        t0 = time.perf_counter()
        rows = network.rows()
        t1 = time.perf_counter()
        FacilityTable.from_rows(rows)
        t2 = time.perf_counter()
        table = network.table()  # what the page uses: cached while the network is unchanged
        t2b = time.perf_counter()
        rank(request.needs, table, stale_after_hours=48, limit=20)
        t3 = time.perf_counter()
        load.append(t1 - t0)
        build.append(t2 - t1)
        cached.append(t2b - t2)
        ranking.append(t3 - t2b)
        total.append(t3 - t2)

    def ms(values, q):
        return 1000 * (statistics.median(values) if q == 50 else np.percentile(values, q))

    print(f"{args.facilities} facilities in SQLite, {args.runs} requests (database in the loop)")
    print("  without the cache (every request reads the network):")
    for name, values in (("load rows", load), ("build table", build)):
        print(f"    {name:<16} median {ms(values, 50):7.2f} ms   p95 {ms(values, 95):7.2f} ms")
    print("  the page's path (network.table(): one aggregate query, cache hit, then rank):")
    for name, values in (("table (cached)", cached), ("rank", ranking), ("total", total)):
        print(f"    {name:<16} median {ms(values, 50):7.2f} ms   p95 {ms(values, 95):7.2f} ms")


if __name__ == "__main__":
    main()
