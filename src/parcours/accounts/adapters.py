"""django-allauth adapters: no self-service sign-up; the account's e-mails (its security
notices) leave through the worker's outbox, never inside the request; TOTP secrets encrypted
with our key ring."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.utils.html import strip_tags

from parcours.core.crypto import MFA_SECRET_AAD, keyring


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Accounts are created by each organisation's manager, never by sign-up."""
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the e-mail as django-allauth would and queue it (``alerts.notify``): the mail
        server's delay or failure never lands in the request, and the e-mail goes once."""
        from parcours.alerts.notify import queue_email

        ctx = {
            "request": self.request,
            "email": email,
            "current_site": get_current_site(self.request),
        }
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        queue_email(email, message.subject, _text_of(message))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return keyring().encrypt(text.encode(), MFA_SECRET_AAD)

    def decrypt(self, encrypted_text: str) -> str:
        return keyring().decrypt(encrypted_text, MFA_SECRET_AAD).decode()

    def get_totp_issuer(self) -> str:
        return "Parcours"

    def can_delete_authenticator(self, authenticator) -> bool:
        """The last TOTP app or security key of someone whose role needs one stays."""
        from allauth.mfa.models import Authenticator

        from parcours.accounts.mfa import requires_mfa

        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        user = authenticator.user
        if not any(requires_mfa(m) for m in user.active_memberships()):
            return True
        others = Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        return others.exists()


def _text_of(message) -> str:
    """The plain text of a rendered e-mail (the outbox sends text only): django-allauth's text
    body, or its HTML body without the tags when it has no text template."""
    return strip_tags(message.body) if message.content_subtype == "html" else message.body
