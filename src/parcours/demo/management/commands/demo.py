"""`parcours demo`: migrate, load the fictional demo data, print the accounts, and serve, with
the worker running in the background."""

import contextlib
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Membership
from parcours.alerts.notify import send_due
from parcours.demo import data


class Command(BaseCommand):
    help = "Set up and run the demo (fictional data, SQLite under ./var/)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Load the data and stop.")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        if settings.MODE != "demo":
            raise CommandError("The demo runs only with PARCOURS_MODE=demo, never on real data.")
        call_command("migrate", interactive=False, verbosity=0)
        # The stories' notifications are in the application; their e-mails (about events of the
        # past weeks, to fictional addresses) are not printed while loading.
        backend = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        try:
            data.load()
            send_due()  # the e-mails of the past weeks leave here, not at the worker's first round
        finally:
            settings.EMAIL_BACKEND = backend
        self.seal_journal()
        self.print_accounts()
        if not options["no_serve"]:
            self.stdout.write(f"\nParcours demo on {_address(options['bind'])}  (Ctrl-C to stop)\n")
            with background_worker(every=WORKER_EVERY):
                call_command("serve", bind=options["bind"], workers=2)

    def seal_journal(self):
        """Seal what loading journaled (the worker would, at its next round) and export the
        roots. A roots file left by an earlier demo database (deleted since) is set aside: it
        describes a journal that no longer exists."""
        from parcours.audit.models import JournalBatch
        from parcours.audit.sealing import export_roots, roots_path, seal

        path = roots_path()
        if path and path.exists() and not JournalBatch.objects.exists():
            path.rename(path.with_name(f"{path.name}.earlier-demo"))
        seal()
        export_roots()

    def print_accounts(self):
        self.stdout.write("\nDemo accounts (fictional), password for all: " + data.DEMO_PASSWORD)
        self.stdout.write(
            "Second factor: add this TOTP secret to any authenticator app, then type its code: "
            f"{data.DEMO_TOTP_SECRET}\n  (otpauth://totp/Parcours%3Ademo?secret="
            f"{data.DEMO_TOTP_SECRET}&issuer=Parcours)\n"
            "Coordinators must also register a security key or passkey at first sign-in."
        )
        rows = (
            Membership.objects.filter(active=True)
            .select_related("user", "organisation")
            .order_by("organisation__departement", "organisation__name", "user__username")
        )
        for m in rows:
            self.stdout.write(
                f"  {m.user.username:<18} {m.get_role_display():<16} "
                f"{m.organisation.get_kind_display():<26} {m.organisation.name}"
            )


# The demo's worker runs a round every minute, so that alerts appear and escalate while one
# tries the demo (a service would run every five).
WORKER_EVERY = 60


@contextlib.contextmanager
def background_worker(every: int):
    """``parcours worker --every N`` in a process of its own while the demo serves, stopped
    with it: the demo shows live alerts and escalations. Its round lines are not printed (the
    demo's console is the server's); ``parcours worker --status`` tells how it goes."""
    command = [sys.executable, "-c", "from parcours.cli import main; main()", "worker",
               "--every", str(every)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 (our own)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _address(bind: str) -> str:
    """The address to open: a security key (WebAuthn) refuses an IP address as the site's name,
    so a coordinator could not register one at http://127.0.0.1:8000/; localhost is the same
    machine and works."""
    host, _, port = bind.rpartition(":")
    if host in ("127.0.0.1", "0.0.0.0", "::1", "[::1]"):  # noqa: S104 (a name shown, not bound)
        host = "localhost"
    return f"http://{host}:{port}/"
