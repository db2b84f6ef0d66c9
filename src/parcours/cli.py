"""The ``parcours`` command: Django's management commands plus our own.

parcours demo [--no-serve]     migrate, load the fictional demo data, print the accounts, serve
parcours serve                 check the keys against the database, then serve with gunicorn
parcours worker [--once]       the periodic work (deadlines, lost contact) every --every seconds
parcours audit verify          check the journal's hash chain; non-zero exit on the first bad entry
parcours keys generate         print fresh keys for PARCOURS_FIELD_KEYS / PARCOURS_BLIND_INDEX_KEY
parcours keys check            compare the keys with the database
parcours keys rotate           re-encrypt every value with the current (first) key, journaled
parcours retention [--dry-run] archive closed cases, anonymise people (docs/retention.md)
parcours <django command> ...  any Django command, e.g. parcours migrate
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["demo"]:
        os.environ.setdefault("PARCOURS_MODE", "demo")
    if argv[:2] == ["keys", "generate"]:
        # Generating keys needs no configuration at all.
        from parcours.core.keyconfig import new_key_text

        print(f"PARCOURS_FIELD_KEYS=k1:{new_key_text()}")
        print(f"PARCOURS_BLIND_INDEX_KEY={new_key_text()}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"parcours: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parcours", *argv])


if __name__ == "__main__":
    main()
