"""`parcours audit verify|seal|public-key` (see ``audit/verification.py`` and ADR 0004)."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.audit import signing
from parcours.audit.sealing import export_roots, seal
from parcours.audit.verification import record_checkpoint, verify


class Command(BaseCommand):
    help = (
        "Journal tools. `audit verify` checks the sealed batches and the entries written since "
        "the last sound run (`--full`: every entry) and names the first bad one; `audit seal` "
        "seals the new entries now; `audit public-key` prints the signing key's public half."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "seal", "public-key"])
        parser.add_argument(
            "--full", action="store_true", help="Re-read every entry, not only the new ones."
        )
        parser.add_argument(
            "--roots", help="A roots file to check the batches against (default: the configured)."
        )

    def handle(self, *args, **options):
        try:
            if options["action"] == "public-key":
                self.stdout.write(signing.public_key_text())
            elif options["action"] == "seal":
                sealed = seal()
                exported = export_roots()
                self.stdout.write(f"{sealed} entries sealed, {exported} roots exported")
            else:
                self._verify(options)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None

    def _verify(self, options):
        roots = Path(options["roots"]) if options["roots"] else None
        result = verify(full=options["full"], roots=roots)
        if not result.ok:
            where = (
                f"entry {result.first_bad_seq}"
                if result.first_bad_seq is not None
                else f"batch {result.bad_batch}"
            )
            raise CommandError(
                f"journal broken at {where}: {result.problem} "
                f"({result.checked} entries checked before it)"
            )
        record_checkpoint(result, timezone.now())
        since = f" sealed after batch {result.start_batch}" if result.start_batch else ""
        self.stdout.write(
            f"journal intact: {result.batches} batches, {result.checked} entries{since} checked "
            f"({result.pending} not sealed yet)"
        )
