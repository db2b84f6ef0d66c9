"""Start-up check that the configured keys are the ones the database was written with."""

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from parcours.core.crypto import DecryptionError, keyring

CANARY_TEXT = b"parcours key canary"
CANARY_AAD = b"core_keycanary.sealed"


def check_keys_against_database() -> None:
    """Raise ImproperlyConfigured when a key differs from the one the database knows.

    - a canary sealed with key K that no longer decrypts means K was replaced by another key;
    - a canary for a key id missing from the ring means that key was dropped while data may still
      be sealed with it (``parcours keys rotate`` removes the canary once nothing uses it);
    - the current key gets a canary the first time it is seen.
    """
    from parcours.core.models import KeyCanary

    ring = keyring()
    try:
        canaries = list(KeyCanary.objects.all())
    except DatabaseError:
        return  # database not migrated yet: `migrate` comes first, the check runs again at serve.
    for canary in canaries:
        if canary.key_id == BLIND_CANARY_ID:
            continue
        if canary.key_id not in ring.key_ids:
            raise ImproperlyConfigured(
                f"PARCOURS_FIELD_KEYS lacks key {canary.key_id!r}, which the database uses. "
                "Add it back (after the current key) or run `parcours keys rotate` with it present."
            )
        try:
            ok = ring.decrypt(canary.sealed, CANARY_AAD) == CANARY_TEXT
        except DecryptionError:
            ok = False
        if not ok:
            raise ImproperlyConfigured(
                f"PARCOURS_FIELD_KEYS: key {canary.key_id!r} is not the key this database was "
                "written with. Set the right key; Parcours will not start with a wrong one."
            )
    _check_a_stored_value(ring)
    _check_blind_index_key(ring, canaries)
    if ring.current_id not in {canary.key_id for canary in canaries}:  # first start with it
        with transaction.atomic():
            KeyCanary.objects.get_or_create(
                key_id=ring.current_id,
                defaults={"sealed": ring.encrypt(CANARY_TEXT, CANARY_AAD)},
            )


def _check_a_stored_value(ring) -> None:
    """Belt and braces: the newest row of the first model holding encrypted values must decrypt
    too (a database restored from elsewhere may carry no canary for the key it was written
    with). The models are found through the app registry: the kernel names no domain app."""
    from django.apps import apps

    from parcours.core.fields import EncryptedMixin

    for model in apps.get_models():
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
        if not encrypted:
            continue
        try:
            model.objects.order_by("-pk").values_list(encrypted[0].attname, flat=True).first()
        except DecryptionError as error:
            raise ImproperlyConfigured(
                f"PARCOURS_FIELD_KEYS cannot read this database ({error}). Set the right key; "
                "Parcours will not start with a wrong one."
            ) from None
        except DatabaseError:
            return
        return


BLIND_CANARY_ID = "~blind"  # cannot collide with a field key id (those are alphanumeric)


def _check_blind_index_key(ring, canaries) -> None:
    """A wrong blind-index key would make every search silently find nothing."""
    from parcours.core.models import KeyCanary

    expected = ring.mac(CANARY_TEXT.decode(), "canary")
    stored = next((c for c in canaries if c.key_id == BLIND_CANARY_ID), None)
    if stored is None:
        with transaction.atomic():
            KeyCanary.objects.get_or_create(key_id=BLIND_CANARY_ID, defaults={"sealed": expected})
    elif stored.sealed != expected:
        raise ImproperlyConfigured(
            "PARCOURS_BLIND_INDEX_KEY is not the key this database was indexed with. Set the "
            "right key; with another one every search would silently find nothing."
        )
