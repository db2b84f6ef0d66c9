"""Bookkeeping of the synthetic data generator (``parcours seed``)."""

from django.db import models


class SeedRun(models.Model):
    """One run of ``parcours seed``: its seed, batch size and target, and how far it got.

    ``batches_done`` moves in the same transaction as each batch's rows, so it always says
    which batches are in the database: a re-run continues with the next one. ``first_index``
    numbers the run's people among every seeded person (their references derive from it), and
    ``anchor`` is the moment the run's dates are counted back from, so that a resumed batch
    makes exactly the data it would have made in one go, with the same ids (``id_bases``).
    """

    seed = models.BigIntegerField()
    batch_size = models.PositiveIntegerField()
    people = models.PositiveIntegerField()
    departements = models.JSONField(default=list)
    first_index = models.BigIntegerField()
    anchor = models.DateTimeField()
    # The first id of each kind of row the run chooses the ids of (``seed.ids``): the run's
    # block of ids, reserved when it started.
    id_bases = models.JSONField(default=dict)
    batches_done = models.PositiveIntegerField(default=0)
    people_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seed", "batch_size"], name="seed_run_unique")
        ]

    def __str__(self):
        return f"seed {self.seed}: {self.people_done}/{self.people}"
