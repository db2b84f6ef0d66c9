"""The key that signs the journal's sealed batches (Ed25519), held by the worker, not the database.

- ``PARCOURS_JOURNAL_SIGNING_KEY`` (or ``_FILE``): base64 of the 32-byte private key. Only the
  process that seals (``parcours worker``) needs it. ``parcours keys generate`` prints one.
- ``PARCOURS_JOURNAL_VERIFY_KEYS``: comma-separated base64 public keys that ``parcours audit
  verify`` also accepts (an auditor who holds no private key; the keys used before a rotation).

In demo mode, a missing key is generated once into ``./var/keys/`` (0600); in test mode a fixed
test key is used; production never falls back: sealing stops with a message saying what to set.
"""

import base64
import binascii
import hashlib
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from parcours.core import envconfig
from parcours.core.keyconfig import KEY_BYTES, new_key_text

TEST_SIGNING_KEY = base64.b64encode(b"j" * KEY_BYTES).decode()
NAME = "PARCOURS_JOURNAL_SIGNING_KEY"


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """A short name for a public key, stored with each batch it signed."""
    return hashlib.sha256(_raw_public(public)).hexdigest()[:16]


def _decode(name: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name}: the key is not valid base64.") from None
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name}: a key is {KEY_BYTES} bytes in base64.")
    return raw


def _signing_text() -> str:
    text = envconfig.secret(NAME, required=False)
    if text:
        return text
    if settings.MODE == "test":
        return TEST_SIGNING_KEY
    if settings.MODE == "demo":
        path = settings.DATA_DIR / "keys" / "journal_signing_key"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            envconfig.write_private_file(path, new_key_text())
        return path.read_text().strip()
    raise ImproperlyConfigured(
        f"Set {NAME} (or {NAME}_FILE): the worker signs the journal's batches with it. "
        "Generate one with: parcours keys generate"
    )


@cache
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_decode(NAME, _signing_text()))


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys a batch's signature may be checked against, by key id: the signing key's
    own when this process has it, and the configured ones."""
    keys = {}
    try:
        public = signing_key().public_key()
        keys[key_id(public)] = public
    except ImproperlyConfigured:
        pass
    for part in envconfig.csv("PARCOURS_JOURNAL_VERIFY_KEYS", ""):
        public = Ed25519PublicKey.from_public_bytes(_decode("PARCOURS_JOURNAL_VERIFY_KEYS", part))
        keys[key_id(public)] = public
    return keys


def sign(message: bytes) -> tuple[str, str]:
    """``(key id, base64 signature)`` of ``message``."""
    key = signing_key()
    return key_id(key.public_key()), base64.b64encode(key.sign(message)).decode()


def signature_holds(keys: dict, kid: str, signature: str, message: bytes) -> bool:
    public = keys.get(kid)
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(signature), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def public_key_text() -> str:
    """The signing key's public half in base64 (to give the auditors)."""
    return base64.b64encode(_raw_public(signing_key().public_key())).decode()


def reset() -> None:
    signing_key.cache_clear()
