"""`parcours worker`: the periodic work, in one long-running process that is safe to restart.

Each round runs the idempotent steps the apps registered (``parcours.core.worker``), derived
from the state (so a restart or a second round changes nothing twice): referrals past their
answer delay expire; cases without contact for the configured delay move to "contact lost";
notification e-mails still pending (a mail server was down) are sent, each by one worker only.
`--once` runs a single round (cron, tests).
"""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from parcours.core.keycheck import check_keys_against_database
from parcours.core.worker import check, run_round


class Command(BaseCommand):
    help = "Run the periodic work (deadlines, lost contact) every --every seconds."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument("--every", type=int, default=300, help="Seconds between rounds.")

    def handle(self, *args, **options):
        try:
            check_keys_against_database()
            check()  # what the steps need (the journal's signing key...)
        except ImproperlyConfigured as error:
            raise CommandError(f"refusing to start: {error}") from None
        if options["every"] < 10:
            raise CommandError("--every must be at least 10 seconds.")
        while True:
            counts = run_round()
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
            if options["once"]:
                return
            time.sleep(options["every"])
