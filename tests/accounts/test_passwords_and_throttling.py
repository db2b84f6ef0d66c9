"""CNIL password rules; lock-out after repeated failures; no account enumeration."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.personas import PASSWORD


@pytest.mark.parametrize(
    "password",
    ["Abcdefgh1!xy", "abcdefghij1!XY", "abcdefghijKLmn12", "une phrase de passe assez longue"],
)
def test_strong_passwords_are_accepted(password):
    validate_password(password)


@pytest.mark.parametrize(
    "password",
    ["Abcdefg1!xy", "abcdefghi1!xy", "abcdefghijklmn", "abcdefghijklmn1"],
)
def test_weak_passwords_are_refused_with_the_rule(password):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any("12" in message for message in error.value.messages)


def _fail(client, username, times):
    response = None
    for _ in range(times):
        response = client.post(
            reverse("account_login"), {"login": username, "password": "wrong" * 3}
        )
    return response


def test_lock_out_after_five_failures_even_with_the_right_password(client, referent, settings):
    assert _fail(client, "referent", settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    locked = _fail(client, "referent", 1)
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    right = client.post(reverse("account_login"), {"login": "referent", "password": PASSWORD})
    assert right.status_code in (200, 429)  # axes' lock-out page, or allauth's own throttle
    assert "Trop de tentatives" in right.content.decode()
    assert client.get(reverse("my_cases")).status_code == 302


def test_unknown_and_known_users_are_locked_alike(client, referent, settings):
    """The lock-out itself must not tell whether an account exists."""
    known = _fail(client, "referent", settings.AXES_FAILURE_LIMIT)
    unknown = _fail(client, "nobody-here", settings.AXES_FAILURE_LIMIT)
    assert known.status_code == unknown.status_code == 429

    def page(response, username):
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return body.replace(username, "")

    assert page(known, "referent") == page(unknown, "nobody-here")


def test_lock_out_is_per_user_and_address(client, referent, db):
    from tests.conftest import make_persona

    make_persona("colleague")
    _fail(client, "referent", 5)
    response = client.post(reverse("account_login"), {"login": "colleague", "password": PASSWORD})
    assert response.status_code == 302, "one locked account must not lock the whole office"
