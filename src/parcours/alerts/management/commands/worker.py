"""`parcours worker`: the periodic work, in one long-running process that is safe to restart.

Each round runs the idempotent steps the apps registered (``parcours.alerts.worker``), derived
from the state (so a restart or a second round changes nothing twice): referrals past their
answer delay expire; cases without contact for the configured delay move to "contact lost";
alerts are kept in step and escalate; the journal is sealed; notification e-mails are sent (only
here, each by one worker); once a day, the retention rules are applied and the journal checked.
A step that fails is reported and the others run; database connections are checked between
rounds (a failover does not stop the worker); each round leaves a heartbeat that ``--status``
reads. `--once` runs a single round (cron, tests).
"""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone

from parcours.alerts import worker
from parcours.core.keycheck import check_keys_against_database


class Command(BaseCommand):
    help = "Run the periodic work (deadlines, alerts, e-mails, journal) every --every seconds."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument("--every", type=int, default=300, help="Seconds between rounds.")
        parser.add_argument(
            "--status",
            action="store_true",
            help="Say when each worker last ran a round and which steps failed; exit 1 if none "
            "ran within 3 x --every seconds, or a step failed.",
        )

    def handle(self, *args, **options):
        if options["every"] < 10:
            raise CommandError("--every must be at least 10 seconds.")
        if options["status"]:
            return self.status(options["every"])
        try:
            check_keys_against_database()
            worker.check()  # what the steps need (the journal's signing key...)
        except ImproperlyConfigured as error:
            raise CommandError(f"refusing to start: {error}") from None
        while True:
            if not connection.in_atomic_block:  # (a test's transaction: keep its connection)
                close_old_connections()  # a connection lost since the last round is reopened
            started = timezone.now()
            counts = worker.run_round(started)
            worker.beat(started, counts, dict(worker.last_failures))
            line = ", ".join(f"{name}: {count}" for name, count in counts.items())
            if worker.last_failures:
                line += "; failed: " + ", ".join(
                    f"{name} ({error})" for name, error in worker.last_failures.items()
                )
            self.stdout.write(line)
            if options["once"]:
                return
            time.sleep(options["every"])

    def status(self, every: int):
        from parcours.alerts.models import WorkerHeartbeat

        now, healthy = timezone.now(), False
        beats = list(WorkerHeartbeat.objects.order_by("name"))
        if not beats:
            self.stdout.write("no worker has run a round")
        for beat in beats:
            age = (now - beat.finished_at).total_seconds()
            fresh = age <= 3 * every
            healthy = healthy or (fresh and not beat.failures)
            failed = ", ".join(f"{k} ({v})" for k, v in beat.failures.items()) or "none"
            self.stdout.write(
                f"{beat.name}: last round {age:.0f} s ago ({beat.rounds} rounds), "
                f"{'alive' if fresh else 'STALE'}; failed steps: {failed}"
            )
        if not healthy:
            raise SystemExit(1)
