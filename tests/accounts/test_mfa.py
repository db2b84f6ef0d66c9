"""Second factors: who must use one, which one, and how sign-in enforces it."""

import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import connection
from django.urls import reverse

from parcours.accounts.mfa import requires_mfa, requires_webauthn
from parcours.core.roles import Role
from tests import personas
from tests.conftest import (
    PASSWORD,
    TEST_TOTP_SECRET,
    make_persona,
    sign_in,
    sign_in_by_form,
    totp_code,
)
from tests.factories import MembershipFactory


def _password_only(client, persona):
    """A session that passed the password step only (as before MFA existed)."""
    client.force_login(persona.user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "username": persona.user.username}
    ]
    session.save()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_that_sees_identity_location_or_safety_needs_mfa(role, db):
    membership = MembershipFactory.build(role=role)
    assert requires_mfa(membership) == (role != Role.STATISTICIAN)


def test_webauthn_for_coordinators_and_location_revealers(db):
    assert requires_webauthn(MembershipFactory.build(role=Role.COORDINATOR))
    assert requires_webauthn(MembershipFactory.build(may_reveal_location=True))
    assert not requires_webauthn(MembershipFactory.build(role=Role.CASEWORKER))


def test_no_sms_or_email_factor():
    assert set(settings.MFA_SUPPORTED_TYPES) == {"totp", "recovery_codes", "webauthn"}


def test_without_a_factor_the_user_is_sent_to_enrol(client, outsider):
    _password_only(client, outsider)
    response = client.get(reverse("my_cases"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_factor_not_used_at_sign_in_sends_back_to_sign_in(client, outsider):
    TOTP.activate(outsider.user, TEST_TOTP_SECRET)
    _password_only(client, outsider)
    response = client.get(reverse("my_cases"))
    assert response["Location"] == reverse("account_login")
    assert client.get(reverse("my_cases")).status_code == 302  # signed out


def test_case_pages_are_never_shown_before_the_second_factor(client, outsider, case):
    _password_only(client, outsider)
    for url in (reverse("case_detail", kwargs={"ref": case.ref}), reverse("directory")):
        assert client.get(url).status_code == 302


def test_statistician_needs_no_second_factor(client, db):
    statistician = make_persona("stat", role=Role.STATISTICIAN)
    _password_only(client, statistician)
    assert client.get(reverse("my_cases")).status_code == 200


def test_password_then_totp_signs_in(client, outsider):
    response = sign_in_by_form(client, outsider)
    assert response["Location"] == reverse("my_cases")
    assert client.get(reverse("my_cases")).status_code == 200


def test_wrong_totp_code_is_refused(client, outsider):
    TOTP.activate(outsider.user, TEST_TOTP_SECRET)
    client.post(
        reverse("account_login"),
        {"login": outsider.user.username, "password": PASSWORD},
    )
    wrong = f"{(int(totp_code(TEST_TOTP_SECRET)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert client.get(reverse("my_cases")).status_code == 302


def test_a_totp_code_cannot_be_replayed(client, outsider):
    from django.test import Client

    sign_in_by_form(client, outsider)
    other = Client()
    other.post(
        reverse("account_login"),
        {"login": outsider.user.username, "password": PASSWORD},
    )
    response = other.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})
    assert response.status_code == 200, "the same code was accepted twice"


def test_recovery_code_signs_in_once(client, outsider):
    TOTP.activate(outsider.user, TEST_TOTP_SECRET)
    code = RecoveryCodes.activate(outsider.user).get_unused_codes()[0]
    client.post(
        reverse("account_login"),
        {"login": outsider.user.username, "password": PASSWORD},
    )
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("my_cases")).status_code == 200
    assert (
        code
        not in RecoveryCodes(
            Authenticator.objects.get(user=outsider.user, type="recovery_codes")
        ).get_unused_codes()
    )


def test_totp_secret_is_encrypted_at_rest(outsider):
    TOTP.activate(outsider.user, TEST_TOTP_SECRET)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator")
        raw = cursor.fetchone()[0]
    assert TEST_TOTP_SECRET not in str(raw) and "v1." in str(raw)


def test_enrolling_totp_right_after_sign_in(client, outsider, django_capture_on_commit_callbacks):
    """The first sign-in of an account without a factor: password, then set up the app."""
    client.post(
        reverse("account_login"),
        {"login": outsider.user.username, "password": PASSWORD},
    )
    assert client.get(reverse("my_cases"))["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before any factor is added (re-authentication).
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=outsider.user, type="totp").exists()
    assert client.get(reverse("my_cases")).status_code == 200


def test_coordinator_with_totp_only_must_register_a_security_key(client, coordinator):
    sign_in(client, coordinator, factor="totp")
    TOTP.activate(coordinator.user, TEST_TOTP_SECRET)
    response = client.get(reverse("my_cases"))
    assert response["Location"] == reverse("mfa_add_webauthn")


def test_coordinator_who_has_a_key_but_used_totp_signs_in_again(client, coordinator):
    Authenticator.objects.create(user=coordinator.user, type="webauthn", data={})
    sign_in(client, coordinator, factor="totp")
    response = client.get(reverse("my_cases"))
    assert response["Location"] == reverse("account_login")


def test_coordinator_with_webauthn_session_gets_in(client, coordinator):
    sign_in(client, coordinator, factor="webauthn")
    assert client.get(reverse("my_cases")).status_code == 200


def test_switching_to_a_membership_that_needs_a_key_asks_for_it(client, outsider, db):
    coordination = personas.territorial("coord69", dep="69").actor.organisation
    membership = MembershipFactory(
        user=outsider.user, organisation=coordination, role=Role.COORDINATOR
    )
    sign_in(client, outsider, factor="totp")
    assert client.get(reverse("my_cases")).status_code == 200
    client.post(reverse("switch_organisation"), {"membership": membership.pk})
    assert client.get(reverse("my_cases")).status_code == 302


def test_the_last_factor_of_a_role_that_needs_one_cannot_be_removed(outsider):
    from allauth.mfa.adapter import get_adapter

    totp = TOTP.activate(outsider.user, TEST_TOTP_SECRET).instance
    assert not get_adapter().can_delete_authenticator(totp)
    key = Authenticator.objects.create(user=outsider.user, type="webauthn", data={})
    assert get_adapter().can_delete_authenticator(totp)
    assert get_adapter().can_delete_authenticator(key)


def test_a_phished_totp_session_cannot_add_a_second_key(client, coordinator):
    """The real coordinator has a key; someone with her password and a TOTP code has not."""
    import datetime

    from django.utils import timezone

    Authenticator.objects.create(
        user=coordinator.user,
        type="webauthn",
        data={},
        created_at=timezone.now() - datetime.timedelta(days=30),
    )
    TOTP.activate(coordinator.user, TEST_TOTP_SECRET)
    sign_in(client, coordinator, factor="totp")
    response = client.get(reverse("mfa_add_webauthn"))
    assert response["Location"] == reverse("account_login")
    # and a key added anyway (by any other path) would not count for the session
    from parcours.accounts.mfa import session_factors

    sign_in(client, coordinator, factor="totp")
    Authenticator.objects.create(user=coordinator.user, type="webauthn", data={})
    request = type("R", (), {"session": client.session})()
    assert "webauthn" not in session_factors(
        request, Authenticator.objects.filter(user=coordinator.user)
    )
    assert client.get(reverse("my_cases"))["Location"] == reverse("account_login")


@pytest.mark.parametrize(
    "page",
    [
        "mfa_remove_webauthn",
        "mfa_edit_webauthn",
        "mfa_deactivate_totp",
        "mfa_generate_recovery_codes",
    ],
)
def test_a_phished_totp_session_cannot_remove_or_replace_the_key(client, coordinator, page):
    import datetime

    from django.utils import timezone

    key = Authenticator.objects.create(
        user=coordinator.user,
        type="webauthn",
        data={},
        created_at=timezone.now() - datetime.timedelta(days=30),
    )
    TOTP.activate(coordinator.user, TEST_TOTP_SECRET)
    sign_in(client, coordinator, factor="totp")
    kwargs = {"pk": key.pk} if "webauthn" in page else {}
    for method in ("get", "post"):
        response = getattr(client, method)(reverse(page, kwargs=kwargs))
        assert response["Location"] == reverse("account_login")
        sign_in(client, coordinator, factor="totp")
    assert Authenticator.objects.filter(pk=key.pk).exists()
