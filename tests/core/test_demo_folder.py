"""A command run without a mode in the demo's folder (issue 11, point 13): it stops, as any
production start without keys does, and says in one line what to set; nothing switches to the
demo silently (a production server started from a folder with a demo in it stays production)."""

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _run(cwd, *argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DJANGO_"))}
    env["PYTHONPATH"] = SRC
    return subprocess.run(
        [sys.executable, "-m", "parcours.cli", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_in_the_demo_folder_the_error_says_what_to_set(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "parcours.sqlite3").write_bytes(b"")
    (var / "secret_key").write_text("x" * 64)
    answer = _run(tmp_path, "audit", "verify")
    assert answer.returncode == 2
    assert "PARCOURS_MODE=demo parcours audit verify" in answer.stderr
    assert answer.stderr.count("\n") == 2  # the error, then the one line of what to set


def test_elsewhere_no_demo_is_suggested(tmp_path):
    answer = _run(tmp_path, "audit", "verify")
    assert answer.returncode == 2
    assert "PARCOURS_MODE=demo" not in answer.stderr


def test_e_mails_carry_absolute_links_and_name_the_service(db, referent, case, settings):
    """Issue 11, point 12: the link of a notification e-mail works outside the application
    (the demo's own address by default; production refuses to start without its https one)."""
    from django.core import mail

    from parcours.alerts.models import OutboxEmail
    from parcours.alerts.notify import send_due
    from parcours.cases.notices import tell_referent

    referent.user.email = "referente@exemple.test"
    referent.user.save(update_fields=["email"])
    tell_referent(case, "contact_lost", {"days": 30})
    email = OutboxEmail.objects.get()
    assert f"http://localhost:8000/dossiers/{case.ref}/" in email.body
    send_due()
    assert mail.outbox and mail.outbox[0].from_email.startswith("Parcours <")
