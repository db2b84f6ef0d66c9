"""Re-encrypt every encrypted column with the current key (key rotation)."""

from django.apps import apps
from django.db import transaction
from django.db.models.query import QuerySet

from parcours.core.crypto import MFA_SECRET_AAD, keyring
from parcours.core.fields import EncryptedMixin
from parcours.core.models import KeyCanary


def encrypted_models():
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
        if fields:
            yield model, fields


def rotate_all() -> int:
    """Decrypt each row with whichever key sealed it and store it sealed with the current key.

    Only the encrypted columns are written (the journal's triggers allow exactly that), and the
    canaries of the other keys are dropped, so the old key can then be removed from the ring.
    Returns the number of rows rewritten.
    """
    ring = keyring()
    rows = 0
    with transaction.atomic():
        for model, fields in encrypted_models():
            names = [f.name for f in fields]
            for obj in model._base_manager.only("pk", *names).iterator(chunk_size=500):
                values = {name: getattr(obj, name) for name in names}
                # QuerySet.update of the base class: the journal's manager refuses updates.
                QuerySet.update(model._base_manager.filter(pk=obj.pk), **values)
                rows += 1
        rows += _rotate_second_factor_secrets()
        KeyCanary.objects.exclude(key_id__in=[ring.current_id, "~blind"]).delete()
    return rows


SEALED_KEYS = ("secret", "seed")  # TOTP secret, recovery-code seed (MFAAdapter.encrypt)


def _rotate_second_factor_secrets() -> int:
    """allauth keeps its secrets in a JSON column, sealed by our MFA adapter: reseal them."""
    from allauth.mfa.models import Authenticator

    ring = keyring()
    rows = 0
    for authenticator in Authenticator.objects.all().iterator(chunk_size=500):
        data = dict(authenticator.data)
        changed = False
        for key in SEALED_KEYS:
            if isinstance(data.get(key), str) and data[key].startswith("v1."):
                plain = ring.decrypt(data[key], MFA_SECRET_AAD)
                data[key] = ring.encrypt(plain, MFA_SECRET_AAD)
                changed = True
        if changed:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
            rows += 1
    return rows
