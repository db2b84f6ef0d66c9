"""`parcours keys check|rotate`: with the journal, since each rotation is journaled."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.crypto import keyring
from parcours.core.keycheck import check_keys_against_database
from parcours.core.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Key tools. `keys check` compares the keys with the database; `keys rotate` re-encrypts "
        "every value with the current key (the first of PARCOURS_FIELD_KEYS). `parcours keys "
        "generate` prints new keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate", "check"])

    def handle(self, *args, **options):
        try:
            check_keys_against_database()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        if options["action"] == "check":
            self.stdout.write("keys match the database")
            return
        with transaction.atomic():
            rows = rotate_all()
            record(None, Action.KEY_ROTATION)
        check_keys_against_database()
        self.stdout.write(f"re-encrypted {rows} rows with key {keyring().current_id!r}")
