"""Who must use a second factor, and which one; enforced on every request.

- Every role that can see identity, location or safety data must sign in with a second factor
  (TOTP app, security key or passkey; recovery codes as a fallback). SMS and e-mail are never
  factors.
- Coordinators, and memberships allowed to reveal a location, must sign in with WebAuthn (a
  security key or passkey): a TOTP code can be phished, a WebAuthn signature cannot.

A session that does not meet its membership's requirement is sent to enrol the missing factor
(when the user has none) or back to sign-in (when the user has one but did not use it).
"""

import datetime

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.core.groups import ROLE_GROUP_CAP, FieldGroup
from parcours.core.roles import Role

SENSITIVE_GROUPS = {FieldGroup.IDENTITY, FieldGroup.LOCATION, FieldGroup.SAFETY}
OPEN_PREFIXES = ("/compte/", "/i18n/", "/static/", "/sante/")

WEBAUTHN = Authenticator.Type.WEBAUTHN
TOTP = Authenticator.Type.TOTP


def requires_mfa(membership) -> bool:
    """Roles whose cap includes identity, location or safety data."""
    return membership is not None and bool(
        ROLE_GROUP_CAP.get(membership.role, set()) & SENSITIVE_GROUPS
    )


def requires_webauthn(membership) -> bool:
    """Coordinators, and anyone allowed to reveal where a person is."""
    return membership is not None and (
        membership.role == Role.COORDINATOR or membership.may_reveal_location
    )


def session_factors(request, authenticators) -> set[str]:
    """The second factors used in this session: at sign-in, or by enrolling the *first* one of
    its kind since (adding a factor needs a fresh re-authentication and proves possession of
    it). A second key added in a session that did not use the first one does not count: a
    phished password and TOTP code must not let someone replace the real key."""
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    used = {r.get("type") for r in records if r.get("method") == "mfa"}
    if records:
        started = datetime.datetime.fromtimestamp(records[0].get("at", 0), tz=datetime.UTC)
        before = {a.type for a in authenticators if a.created_at < started}
        used |= {a.type for a in authenticators if a.created_at >= started} - before
    return used & {TOTP, WEBAUTHN, Authenticator.Type.RECOVERY_CODES}


# Pages that add, remove or replace a factor (allauth's paths under /compte/2fa/).
CHANGING_FACTORS = (
    "/compte/2fa/webauthn/add/",
    "/compte/2fa/webauthn/keys/",  # edit and remove
    "/compte/2fa/totp/",  # activate and deactivate
    "/compte/2fa/recovery-codes/generate/",
)


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        actor = getattr(request, "actor", None)
        if actor is not None and request.path.startswith(CHANGING_FACTORS):
            refusal = self._refuse_new_factor(request)
            if refusal is not None:
                return refusal
        if actor is None or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        membership = actor.membership
        authenticators = list(
            Authenticator.objects.filter(user=request.user).only("type", "created_at")
        )
        factors = session_factors(request, authenticators)
        user_types = {a.type for a in authenticators}
        if requires_webauthn(membership) and WEBAUTHN not in factors:
            if WEBAUTHN not in user_types:
                if not factors:
                    return self._enrol(
                        request,
                        "mfa_activate_totp",
                        _(
                            "Your role requires two-factor authentication: first set up an "
                            "authenticator app."
                        ),
                    )
                return self._enrol(
                    request,
                    "mfa_add_webauthn",
                    _("Your role requires a security key or passkey: register one to continue."),
                )
            return self._again(request, _("Sign in with your security key or passkey."))
        if requires_mfa(membership) and not factors:
            if not user_types - {Authenticator.Type.RECOVERY_CODES}:
                return self._enrol(
                    request,
                    "mfa_activate_totp",
                    _(
                        "Your role requires two-factor authentication: set up an authenticator "
                        "app to continue."
                    ),
                )
            return self._again(request, _("Sign in again with your second factor."))
        return self.get_response(request)

    def _refuse_new_factor(self, request):
        """Who has a security key changes factors (adds, removes, replaces) only from a session
        that used it: a phished password and TOTP code must not swap the key for another."""
        authenticators = list(
            Authenticator.objects.filter(user=request.user).only("type", "created_at")
        )
        if WEBAUTHN in {a.type for a in authenticators} and WEBAUTHN not in session_factors(
            request, authenticators
        ):
            return self._again(
                request, _("Sign in with your security key before adding another factor.")
            )
        return None

    @staticmethod
    def _enrol(request, url_name, message):
        messages.warning(request, message)
        return redirect(reverse(url_name))

    @staticmethod
    def _again(request, message):
        logout(request)
        messages.warning(request, message)
        return redirect(reverse("account_login"))
