"""Field encryption (AES-256-GCM) and keyed blind indexes.

A stored value reads ``v1.<key id>.<base64url(nonce || ciphertext || tag)>``. The associated data
binds each value to its table and column, so a ciphertext copied into another column does not
decrypt. Decryption failure raises :class:`DecryptionError`; it never returns the ciphertext or an
empty value in its place.

Blind indexes are HMAC-SHA256 over a normalised value and a purpose label, so the same name gives
the same index (exact search) while the database holds no plaintext.
"""

import base64
import hashlib
import hmac
import os
import unicodedata
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from parcours.core.keyconfig import KeyMaterial

# What the MFA adapter (allauth) binds the second factors' secrets to; key rotation reseals them.
MFA_SECRET_AAD = b"mfa_authenticator.secret"

VERSION = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong or missing key, or altered data."""


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class KeyRing:
    def __init__(self, material: KeyMaterial):
        self.current_id = material.current_key_id
        self._keys = {key_id: AESGCM(key) for key_id, key in material.field_keys}
        self._blind_key = material.blind_index_key

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def encrypt(self, plaintext: bytes, aad: bytes, key_id: str | None = None) -> str:
        key_id = key_id or self.current_id
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[key_id].encrypt(nonce, plaintext, aad)
        return f"{VERSION}.{key_id}.{_b64e(nonce + sealed)}"

    def decrypt(self, token: str, aad: bytes) -> bytes:
        version, key_id, payload = self.split(token)
        cipher = self._keys.get(key_id)
        if cipher is None:
            raise DecryptionError(f"key {key_id!r} is not in PARCOURS_FIELD_KEYS")
        try:
            raw = _b64d(payload)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
        except (InvalidTag, ValueError):
            raise DecryptionError(
                f"value sealed with key {key_id!r} does not decrypt: wrong key or altered data"
            ) from None

    @staticmethod
    def split(token: str) -> tuple[str, str, str]:
        parts = token.split(".", 2)
        if len(parts) != 3 or parts[0] != VERSION:
            raise DecryptionError("not an encrypted value")
        return parts[0], parts[1], parts[2]

    def key_id_of(self, token: str) -> str:
        return self.split(token)[1]

    def mac(self, value: str, purpose: str) -> str:
        """HMAC-SHA256 of the exact value (no normalisation), with the blind-index key."""
        return hmac.new(
            self._blind_key, f"{purpose}\x00{value}".encode(), hashlib.sha256
        ).hexdigest()

    def blind_index(self, value: str, purpose: str) -> str:
        digest = hmac.new(
            self._blind_key, f"{purpose}\x00{normalise(value)}".encode(), hashlib.sha256
        )
        return digest.hexdigest()[:32]


def normalise(value: str) -> str:
    """Casefold, strip accents, drop apostrophes, hyphens to spaces, fold spaces:
    'Élodie  N'Diaye' -> 'elodie ndiaye', 'Jean-Pierre' -> 'jean pierre'."""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = "".join(
        ch if ch.isalnum() or ch.isspace() else (" " if ch in "-‐‑_/." else "") for ch in text
    )
    return " ".join(text.split())


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    return KeyRing(settings.FIELD_KEYS)


def reset_keyring() -> None:
    keyring.cache_clear()
