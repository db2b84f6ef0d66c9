import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from parcours.core import envconfig
from parcours.core.keycheck import check_keys_against_database


class Command(BaseCommand):
    help = "Check the keys against the database, then serve Parcours with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("PARCOURS_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=envconfig.integer("PARCOURS_WORKERS", default=2)
        )

    def handle(self, *args, **options):
        try:
            check_keys_against_database()
        except ImproperlyConfigured as error:
            raise CommandError(f"refusing to start: {error}") from None
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        sys.stdout.flush()
        argv = [
            "gunicorn",
            "parcours.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--access-logformat",
            '%(t)s "%(m)s %(U)s" %(s)s %(L)ss',  # path without query string: no search terms
        ]
        os.execvp(sys.executable, [sys.executable, "-m", *argv])  # noqa: S606
