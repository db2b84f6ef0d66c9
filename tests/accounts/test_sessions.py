"""Sessions end after 30 minutes idle, after an absolute limit, and everywhere on request.

Time is frozen (``clock``, time-machine) and moved on by hand: the session's own clock reads
the frozen time, nothing in the session is rewritten by the test."""

import pytest
from django.urls import reverse

from parcours.accounts.sessions import LAST_SEEN
from tests.conftest import sign_in, sign_in_by_form

MY_CASES = "my_cases"


def _signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_idle_session_is_sent_back_to_sign_in(clock, client, outsider, settings):
    sign_in_by_form(client, outsider)
    clock.shift(settings.SESSION_IDLE_TIMEOUT + 5)  # 30 minutes and 5 seconds without a request
    response = client.get(reverse(MY_CASES))
    assert _signed_out(response)
    page = client.get(response["Location"]).content.decode()
    assert "30 minutes sans activité" in page
    assert client.get(reverse(MY_CASES)).status_code == 302  # really signed out


def test_the_idle_limit_is_inclusive_to_the_second(clock, client, outsider, settings):
    sign_in_by_form(client, outsider)
    clock.shift(settings.SESSION_IDLE_TIMEOUT)  # exactly 30 minutes: still signed in
    assert client.get(reverse(MY_CASES)).status_code == 200
    clock.shift(settings.SESSION_IDLE_TIMEOUT + 1)  # then one second too many
    assert _signed_out(client.get(reverse(MY_CASES)))


def test_activity_keeps_the_session(clock, client, outsider, settings):
    sign_in_by_form(client, outsider)
    clock.shift(settings.SESSION_IDLE_TIMEOUT - 120)
    assert client.get(reverse(MY_CASES)).status_code == 200  # refreshes "last seen"
    clock.shift(settings.SESSION_IDLE_TIMEOUT - 120)  # more than 30 minutes after sign-in
    assert client.get(reverse(MY_CASES)).status_code == 200


def test_default_idle_timeout_is_thirty_minutes(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


def test_absolute_lifetime_ends_even_an_active_session(clock, client, outsider, settings):
    sign_in_by_form(client, outsider)
    step = settings.SESSION_IDLE_TIMEOUT // 2  # a request every quarter of an hour
    elapsed = 0
    while elapsed + step <= settings.SESSION_MAX_AGE:
        clock.shift(step)
        elapsed += step
        assert client.get(reverse(MY_CASES)).status_code == 200, f"after {elapsed} s"
    clock.shift(settings.SESSION_MAX_AGE - elapsed + 5)  # the limit passed, activity or not
    response = client.get(reverse(MY_CASES))
    assert _signed_out(response)
    assert "durée maximale" in client.get(response["Location"]).content.decode()


def test_session_key_changes_at_sign_in(client, outsider):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    sign_in_by_form(client, outsider)
    assert client.session.session_key != before


def test_sign_out_everywhere_ends_other_sessions(client, outsider, django_user_model):
    from django.test import Client

    other_device = Client()
    sign_in(other_device, outsider)  # a TOTP code is accepted once: the other device
    sign_in_by_form(client, outsider)
    assert other_device.get(reverse("my_cases")).status_code == 200
    client.post(reverse("logout_everywhere"))
    assert other_device.get(reverse("my_cases")).status_code == 302
    assert client.get(reverse("my_cases")).status_code == 302


def test_session_cookie_flags_in_production_settings():
    """The production settings mark cookies Secure, with the __Host- prefix."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from parcours.core.keyconfig import new_key_text

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DJANGO_"))}
    env.update(
        {
            "PARCOURS_MODE": "production",
            "PARCOURS_SECRET_KEY": "s" * 64,
            "PARCOURS_ALLOWED_HOSTS": "x.test",
            "PARCOURS_BASE_URL": "https://x.test",
            "PARCOURS_EMAIL_FROM": "Parcours <parcours@x.test>",
            "PARCOURS_FIELD_KEYS": "k1:" + new_key_text(),
            "PARCOURS_BLIND_INDEX_KEY": new_key_text(),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
            "DJANGO_SETTINGS_MODULE": "parcours.settings",
        }
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_NAME, s.SECURE_HSTS_SECONDS > 0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.split() == ["True", "True", "True", "Lax", "__Host-sessionid", "True"], (
        out.stderr
    )


@pytest.mark.parametrize("bad", ["0", "-5"])
def test_idle_setting_must_be_positive(bad):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DJANGO_"))}
    env.update(
        {
            "PARCOURS_MODE": "test",
            "PARCOURS_SESSION_IDLE_SECONDS": bad,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        }
    )
    out = subprocess.run(
        [sys.executable, "-m", "parcours.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0 and "PARCOURS_SESSION_IDLE_SECONDS" in out.stderr


def test_force_login_sessions_are_checked_too(clock, client, referent, settings):
    """Sessions created without the sign-in form (no clock yet) start their clock."""
    sign_in(client, referent)
    assert client.get(reverse(MY_CASES)).status_code == 200
    assert LAST_SEEN in client.session
    clock.shift(settings.SESSION_IDLE_TIMEOUT + 5)
    assert _signed_out(client.get(reverse(MY_CASES)))
