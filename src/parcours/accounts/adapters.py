"""django-allauth adapters: no self-service sign-up; TOTP secrets encrypted with our key ring."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from parcours.core.crypto import MFA_SECRET_AAD, keyring


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Accounts are created by each organisation's manager, never by sign-up."""
        return False


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
