"""Session lifetime: 30 minutes idle, an absolute limit, and sign-out everywhere.

- Idle: ``last_seen`` is refreshed at most once a minute; past ``SESSION_IDLE_TIMEOUT`` the
  session is ended and the user sent back to sign-in with a message.
- Absolute: ``signed_in_at`` is set at sign-in; past ``SESSION_MAX_AGE`` the session ends however
  active it was.
- Everywhere: the session's authentication hash includes the user's ``session_epoch``
  (``User.get_session_auth_hash``); raising the epoch ends every session of that user, on every
  device, at their next request (Django's own mechanism for password changes).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
REFRESH_EVERY = 60  # seconds: do not write the session on every request


@receiver(user_logged_in)
def _start_clock(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request)
            if expired:
                logout(request)
                messages.info(request, expired)
                if request.headers.get("HX-Request"):
                    response = redirect(reverse("account_login"))
                    response["HX-Redirect"] = reverse("account_login")
                    return response
                return redirect(f"{reverse('account_login')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> str:
        now = int(time.time())
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        if now - signed_in_at > settings.SESSION_MAX_AGE:
            return _("Your session has reached its maximum length. Please sign in again.")
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            minutes = max(1, settings.SESSION_IDLE_TIMEOUT // 60)
            return _(
                "Your session ended after %(minutes)d minutes without activity. "
                "Please sign in again."
            ) % {"minutes": minutes}
        if SIGNED_IN_AT not in session:
            session[SIGNED_IN_AT] = now
        if now - last_seen >= REFRESH_EVERY or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return ""
