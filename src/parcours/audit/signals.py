"""Journal sign-in, sign-out and failed sign-in."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from parcours.audit.enums import Action
from parcours.audit.journal import record


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    record(None, Action.SIGN_IN, user=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(None, Action.SIGN_OUT, user=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # The attempted user name is not journaled if it matches nobody (it may be a password typed
    # in the wrong box); a known account is named so its owner can be warned.
    username = (credentials or {}).get("username", "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    record(None, Action.SIGN_IN_FAILED, user=user)
