"""The synthetic national dataset (``parcours seed --people N``): a fictional country
(``country``), people with multilingual names (``names``) and their pathways (``people``),
written in bulk (``load``) batch by batch, with a progress line per batch (``progress``).

Each batch is generated from ``random.Random(f"{seed}:{batch number}")``, the run's fixed
``anchor`` time and its blocks of ids (``ids``), and is written with the run's bookkeeping
(``demo.models.SeedRun``) in one transaction: after an interruption, running the same command
again continues with the first batch that is not in the database, and makes the same data a
straight run would have made.

Since a batch depends on nothing the database says, ``workers`` processes (forked: they share
the country and the key ring loaded by the parent, and never touch the database) generate and
encrypt the next batches, and prepare their journal entries, while this process numbers the
entries and writes batch after batch, in order.
"""

import multiprocessing
import random

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from parcours.core.geography import departements as all_departements
from parcours.demo.models import SeedRun
from parcours.demo.seed import country as country_module
from parcours.demo.seed import ids, load, people
from parcours.demo.seed.progress import Progress
from parcours.demo.seed.rows import Values
from parcours.demo.seed.tables import Tables

# Called with (run, batch number) after each batch commits; tests use it to interrupt a run.
AFTER_BATCH = None
# What the worker processes generate from (set before they are forked).
_CONTEXT = None


class SeedError(Exception):
    """The run asked for does not fit the runs already in the database."""


def _departements(codes) -> list[str]:
    known = all_departements()
    codes = sorted({c.strip() for c in codes or () if c.strip()}) or list(known)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise SeedError(f"unknown département code(s): {', '.join(unknown)}")
    return codes


@transaction.atomic
def find_or_start(*, people_count: int, batch_size: int, seed: int, departements=None) -> SeedRun:
    """The run of this seed and batch size (extended to ``people_count`` if it is the latest
    run), or a new one numbering its people after every run before it."""
    run = SeedRun.objects.select_for_update().filter(seed=seed, batch_size=batch_size).first()
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
            id_bases=ids.reserve(people_count),
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
        try:
            ids.grow(run.id_bases, run.people, people_count)
        except ids.IdsTaken:
            raise SeedError(
                f"seed {seed} cannot grow past {run.people} people: other rows were written "
                "after it; start another seed"
            ) from None
        run.people = people_count
        run.finished_at = None
        run.save(update_fields=["people", "finished_at"])
    if not run.id_bases:  # a run started before the seed chose its ids
        run.id_bases = ids.reserve(run.people)
        run.save(update_fields=["id_bases"])
    return run


def _taken(run: SeedRun) -> dict[str, frozenset]:
    """References held by rows no seed run wrote (outside every run's block of ids): a seeded
    object whose reference is among them gets another (``people.free_ref``)."""
    taken = {}
    runs = [r for r in SeedRun.objects.all() if r.id_bases]
    for prefix, model, kind in (("P", load.Person, "person"), ("C", load.Case, "case"),
                                ("R", load.Referral, "referral")):  # fmt: skip
        seeded = Q(pk__in=[])
        for other in runs:
            base = other.id_bases[kind]
            seeded |= Q(pk__gte=base, pk__lt=base + other.people * ids.STRIDES[kind])
        taken[prefix] = frozenset(model._base_manager.exclude(seeded).values_list("ref", flat=True))
    return taken


def _links() -> dict[str, str]:
    """The application's URLs that notifications carry, as formats."""
    ref, pk = people.seeded_ref("C", 0), 987654321
    conference = reverse("conference_detail", kwargs={"ref": ref, "pk": pk})
    return {
        "case": reverse("case_detail", kwargs={"ref": ref}).replace(ref, "{ref}"),
        "referral": reverse("referral_detail", kwargs={"ref": ref}).replace(ref, "{ref}"),
        "conference": conference.replace(ref, "{ref}").replace(str(pk), "{pk}"),
        "placement": reverse("placement_inbox"),
    }


def context(seed_run: SeedRun, the_country) -> people.Context:
    """What the run's batches are generated from."""
    return people.Context(
        country=the_country,
        values=Values(connections[DEFAULT_DB_ALIAS].vendor),
        tables=Tables(),
        anchor=seed_run.anchor,
        first_index=seed_run.first_index,
        bases=seed_run.id_bases,
        taken=_taken(seed_run),
        links=_links(),
        safe_km=settings.SAFE_DISTANCE_KM,
    )


def _generate(job):
    """One batch (in a worker process, or here): ``job`` is (seed, number, first index,
    count)."""
    seed, number, first_index, count = job
    rng = random.Random(f"{seed}:{number}")  # noqa: S311 (fictional data)
    batch = people.generate(rng, _CONTEXT, first_index=first_index, count=count)
    batch.prepared_journal = load.prepare_journal(batch, _CONTEXT)
    batch.journal, batch.journal_reasons = [], []  # in the prepared rows now: not sent twice
    return batch


def _batches(jobs, workers: int):
    """The batches of ``jobs`` in order: generated here (``workers`` 0) or by ``workers``
    forked processes, at most ``workers + 1`` ahead of the one being written."""
    if workers <= 0 or len(jobs) <= 1:
        for job in jobs:
            yield job, _generate(job)
        return
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending = [(job, pool.apply_async(_generate, (job,))) for job in jobs[: workers + 1]]
        following = iter(jobs[workers + 1 :])
        while pending:
            job, result = pending.pop(0)
            batch = result.get()
            nxt = next(following, None)
            if nxt is not None:
                pending.append((nxt, pool.apply_async(_generate, (nxt,))))
            yield job, batch
    finally:
        pool.terminate()
        pool.join()


def run(
    *,
    people_count: int,
    batch_size: int = 5000,
    seed: int = 42,
    departements=None,
    stream=None,
    workers: int | None = None,
) -> SeedRun:
    """Seed (or go on seeding) ``people_count`` people; returns the run. ``workers``: processes
    that generate batches (default: one per core; 0: all in this process)."""
    global _CONTEXT
    if people_count < 1 or batch_size < 1:
        raise SeedError("--people and --batch must be at least 1")
    if workers is None:
        workers = default_workers()
    seed_run = find_or_start(
        people_count=people_count, batch_size=batch_size, seed=seed, departements=departements
    )
    the_country = country_module.ensure(seed_run.departements)
    _CONTEXT = ctx = context(seed_run, the_country)
    progress = Progress(seed_run.people, seed_run.people_done, stream=stream)
    jobs = []
    number, start = seed_run.batches_done, seed_run.people_done
    while start < seed_run.people:
        count = min(seed_run.batch_size, seed_run.people - start)
        jobs.append((seed_run.seed, number, seed_run.first_index + start, count))
        number, start = number + 1, start + count
    try:
        for (_seed, number, _first, count), batch in _batches(jobs, workers):
            with transaction.atomic():
                load.write(batch, ctx)
                seed_run.batches_done = number + 1
                seed_run.people_done += count
                if seed_run.people_done >= seed_run.people:
                    seed_run.finished_at = timezone.now()
                seed_run.save(update_fields=["batches_done", "people_done", "finished_at"])
            progress.step(seed_run.people_done, len(batch.events))
            if AFTER_BATCH is not None:
                AFTER_BATCH(seed_run, number)
    finally:
        _CONTEXT = None
    if seed_run.finished_at is None:
        seed_run.finished_at = timezone.now()
        seed_run.save(update_fields=["finished_at"])
    return seed_run


def default_workers() -> int:
    """One generating process per core."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
