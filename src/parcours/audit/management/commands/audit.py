from django.core.management.base import BaseCommand, CommandError

from parcours.audit.journal import verify


class Command(BaseCommand):
    help = "Journal tools. `audit verify` checks the hash chain and names the first bad entry."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = verify()
        if not result.ok:
            raise CommandError(
                f"journal broken at entry {result.first_bad_seq}: {result.problem} "
                f"({result.checked} entries checked before it)"
            )
        self.stdout.write(f"journal intact: {result.checked} entries checked")
