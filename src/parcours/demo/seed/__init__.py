"""The synthetic national dataset (``parcours seed --people N``): a fictional country
(``country``), people with multilingual names (``names``) and their pathways (``people``),
written in bulk (``load``) batch by batch, with a progress line per batch (``progress``).

Each batch is generated from ``random.Random(f"{seed}:{batch number}")`` and the run's fixed
``anchor`` time, and is written with the run's bookkeeping (``demo.models.SeedRun``) in one
transaction: after an interruption, running the same command again continues with the first
batch that is not in the database, and makes the same data a straight run would have made.
"""

import random

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from parcours.core.geography import departements as all_departements
from parcours.demo.models import SeedRun
from parcours.demo.seed import country as country_module
from parcours.demo.seed import load, people
from parcours.demo.seed.progress import Progress

# Called with (run, batch number) after each batch commits; tests use it to interrupt a run.
AFTER_BATCH = None


class SeedError(Exception):
    """The run asked for does not fit the runs already in the database."""


def _departements(codes) -> list[str]:
    known = all_departements()
    codes = sorted({c.strip() for c in codes or () if c.strip()}) or list(known)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise SeedError(f"unknown département code(s): {', '.join(unknown)}")
    return codes


def find_or_start(*, people_count: int, batch_size: int, seed: int, departements=None) -> SeedRun:
    """The run of this seed and batch size (extended to ``people_count`` if it is the latest
    run), or a new one numbering its people after every run before it."""
    run = SeedRun.objects.filter(seed=seed, batch_size=batch_size).first()
    if run is None:
        codes = _departements(departements)
        end = SeedRun.objects.aggregate(end=Max(F("first_index") + F("people")))["end"]
        return SeedRun.objects.create(
            seed=seed,
            batch_size=batch_size,
            people=people_count,
            departements=codes,
            first_index=end or 0,
            anchor=timezone.now(),
        )
    if departements and _departements(departements) != run.departements:
        raise SeedError(
            f"seed {seed} was started for other départements ({', '.join(run.departements)})"
        )
    if people_count > run.people:
        later = SeedRun.objects.filter(first_index__gt=run.first_index).exists()
        if later:
            raise SeedError(
                f"seed {seed} cannot grow past {run.people} people: another run follows it"
            )
        run.people = people_count
        run.finished_at = None
        run.save(update_fields=["people", "finished_at"])
    return run


def run(
    *,
    people_count: int,
    batch_size: int = 5000,
    seed: int = 42,
    departements=None,
    stream=None,
) -> SeedRun:
    """Seed (or go on seeding) ``people_count`` people; returns the run."""
    if people_count < 1 or batch_size < 1:
        raise SeedError("--people and --batch must be at least 1")
    seed_run = find_or_start(
        people_count=people_count, batch_size=batch_size, seed=seed, departements=departements
    )
    the_country = country_module.ensure(seed_run.departements)
    progress = Progress(seed_run.people, seed_run.people_done, stream=stream)
    while seed_run.people_done < seed_run.people:
        number, start = seed_run.batches_done, seed_run.people_done
        count = min(seed_run.batch_size, seed_run.people - start)
        rng = random.Random(f"{seed_run.seed}:{number}")  # noqa: S311 (fictional data)
        batch = people.generate(
            rng,
            the_country,
            first_index=seed_run.first_index + start,
            count=count,
            now=seed_run.anchor,
        )
        with transaction.atomic():
            load.write(batch)
            seed_run.batches_done = number + 1
            seed_run.people_done = start + count
            if seed_run.people_done >= seed_run.people:
                seed_run.finished_at = timezone.now()
            seed_run.save(update_fields=["batches_done", "people_done", "finished_at"])
        progress.step(seed_run.people_done, len(batch.events))
        if AFTER_BATCH is not None:
            AFTER_BATCH(seed_run, number)
    if seed_run.finished_at is None:
        seed_run.finished_at = timezone.now()
        seed_run.save(update_fields=["finished_at"])
    return seed_run
