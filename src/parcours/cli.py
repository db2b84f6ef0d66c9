"""The ``parcours`` command: Django's management commands plus our own.

parcours demo [--no-serve]     migrate, load the fictional demo data, print the accounts, serve
parcours serve                 check the keys against the database, then serve with gunicorn
parcours worker [--once]       the periodic work (deadlines, lost contact) every --every seconds
parcours audit verify [--full] check the journal's batches and entries; non-zero exit if one is bad
parcours audit seal            seal the journal's new entries now (the worker does it every round)
parcours audit public-key      print the journal signing key's public half, for the auditors
parcours keys generate         print fresh keys (fields, blind index, journal signing)
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
        print(f"PARCOURS_JOURNAL_SIGNING_KEY={new_key_text()}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"parcours: configuration error: {error}", file=sys.stderr)
        hint = demo_hint(argv)
        if hint:
            print(hint, file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parcours", *argv])


def demo_hint(argv: list[str]) -> str:
    """One line for a command run, without a mode, in a folder that holds the demo (``make
    demo`` leaves its database and key under ``./var/``): the production mode it defaulted to
    needs real keys, the demo's are here. Nothing is switched silently: the user says so."""
    if os.environ.get("PARCOURS_MODE"):
        return ""
    data = os.environ.get("PARCOURS_DATA_DIR") or os.path.join(os.getcwd(), "var")
    if not (
        os.path.exists(os.path.join(data, "parcours.sqlite3"))
        and os.path.exists(os.path.join(data, "secret_key"))
    ):
        return ""
    command = " ".join(["parcours", *argv]) or "parcours"
    return f"parcours: this folder holds the demo (./var/): run PARCOURS_MODE=demo {command}"


if __name__ == "__main__":
    main()
