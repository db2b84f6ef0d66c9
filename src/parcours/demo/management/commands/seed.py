"""`parcours seed --people N`: a fictional national dataset, written in bulk, resumable."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parcours.demo import seed


class Command(BaseCommand):
    help = (
        "Fill the database with a fictional national dataset (organisations in every "
        "département, users, people, cases and their pathways). Each batch commits on its own: "
        "the same command run again continues after the last complete batch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, required=True, help="How many people in all.")
        parser.add_argument("--batch", type=int, default=5000, help="People per transaction.")
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same data.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes that generate batches while this one writes (default: one per "
            "core; 0: none).",
        )
        parser.add_argument(
            "--departements",
            default="",
            help="Comma-separated département codes (default: every département).",
        )

    def handle(self, *args, **options):
        if settings.MODE == "production":
            raise CommandError(
                "parcours seed writes fictional data: it never runs in production mode "
                "(PARCOURS_MODE=demo or test)."
            )
        codes = [code for code in options["departements"].split(",") if code.strip()]
        try:
            run = seed.run(
                people_count=options["people"],
                batch_size=options["batch"],
                seed=options["seed"],
                departements=codes,
                stream=self.stderr,
                workers=options["workers"],
            )
        except seed.SeedError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Seeded {run.people_done:,} fictional people (seed {run.seed}, "
            f"{len(run.departements)} départements)."
        )
