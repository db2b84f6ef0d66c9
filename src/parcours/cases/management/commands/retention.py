from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from parcours.cases import retention
from parcours.core.keycheck import check_keys_against_database


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


class Command(BaseCommand):
    help = (
        "Apply the retention policy (docs/retention.md): archive the cases closed "
        "PARCOURS_RETENTION_ARCHIVE_DAYS ago, anonymise the people whose cases were all closed "
        "PARCOURS_RETENTION_ANONYMISE_DAYS ago. Idempotent: schedule it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be archived and anonymised, change nothing.",
        )

    def handle(self, *args, **options):
        try:
            # Erased values are sealed with the current key: never write with a wrong one.
            check_keys_against_database()
        except ImproperlyConfigured as error:
            raise CommandError(f"refusing to run: {error}") from None
        report = retention.apply(dry_run=options["dry_run"])
        line = (
            f"archived {_count(report.archived, 'case', 'cases')}, "
            f"anonymised {_count(report.anonymised, 'person', 'people')}"
        )
        if report.dry_run:
            line += " (dry run: nothing changed)"
        self.stdout.write(line)
        if options["verbosity"] >= 2:
            for ref in report.archived_refs:
                self.stdout.write(f"  archive {ref}")
            for ref in report.anonymised_refs:
                self.stdout.write(f"  anonymise {ref}")
