"""Where the field-encryption and blind-index keys come from.

- ``PARCOURS_FIELD_KEYS``: comma-separated ``key_id:base64(32 bytes)`` entries. The **first** one
  encrypts new values; all of them decrypt (so keys can be rotated: put the new key first, run
  ``parcours keys rotate``, then drop the old one).
- ``PARCOURS_BLIND_INDEX_KEY``: base64 of 32 bytes, the HMAC key of the exact-search indexes.

Both may be given as ``<NAME>_FILE``. In demo mode, when they are not set, they are generated once
into ``./var/keys/`` with 0600 permissions. In test mode, fixed test keys are used. Production never
falls back: a missing or malformed key stops the process with a message saying what to set.
"""

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from parcours.core import envconfig

KEY_BYTES = 32


@dataclass(frozen=True)
class KeyMaterial:
    field_keys: tuple[tuple[str, bytes], ...]  # (key id, key), the first one is current
    blind_index_key: bytes

    @property
    def current_key_id(self) -> str:
        return self.field_keys[0][0]


def _decode_key(name: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name}: the key is not valid base64.") from None
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{name}: a key must be {KEY_BYTES} random bytes in base64 (got {len(raw)} bytes). "
            "Generate one with: parcours keys generate"
        )
    return raw


def parse_field_keys(text: str, name: str = "PARCOURS_FIELD_KEYS") -> tuple[tuple[str, bytes], ...]:
    entries = []
    seen = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id.isalnum() or len(key_id) > 16:
            raise ImproperlyConfigured(
                f"{name}: each entry is key_id:base64key, with a short alphanumeric key id."
            )
        if key_id in seen:
            raise ImproperlyConfigured(f"{name}: key id {key_id!r} appears twice.")
        seen.add(key_id)
        entries.append((key_id, _decode_key(name, encoded)))
    if not entries:
        raise ImproperlyConfigured(f"{name} holds no key.")
    return tuple(entries)


def new_key_text() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _demo_keys(data_dir: Path) -> tuple[str, str]:
    folder = data_dir / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    field_file, blind_file = folder / "field_keys", folder / "blind_index_key"
    if not field_file.exists():
        envconfig.write_private_file(field_file, f"demo1:{new_key_text()}")
    if not blind_file.exists():
        envconfig.write_private_file(blind_file, new_key_text())
    for path in (field_file, blind_file):
        if path.stat().st_mode & 0o077:
            raise ImproperlyConfigured(f"{path} must be readable by its owner only (chmod 600).")
    return field_file.read_text().strip(), blind_file.read_text().strip()


# Fixed keys for the test suite only (a test checks production refuses to run without its own).
TEST_FIELD_KEYS = "test1:" + base64.b64encode(b"t" * KEY_BYTES).decode()
TEST_BLIND_INDEX_KEY = base64.b64encode(b"b" * KEY_BYTES).decode()


def load_key_material(mode: str, data_dir: Path) -> KeyMaterial:
    field_text = envconfig.secret("PARCOURS_FIELD_KEYS", required=False)
    blind_text = envconfig.secret("PARCOURS_BLIND_INDEX_KEY", required=False)
    if not field_text or not blind_text:
        if mode == "demo":
            demo_field, demo_blind = _demo_keys(data_dir)
            field_text, blind_text = field_text or demo_field, blind_text or demo_blind
        elif mode == "test":
            field_text, blind_text = (
                field_text or TEST_FIELD_KEYS,
                blind_text or TEST_BLIND_INDEX_KEY,
            )
        else:
            missing = [
                name
                for name, value in (
                    ("PARCOURS_FIELD_KEYS", field_text),
                    ("PARCOURS_BLIND_INDEX_KEY", blind_text),
                )
                if not value
            ]
            raise ImproperlyConfigured(
                f"Set {' and '.join(missing)}: Parcours never runs without its encryption keys. "
                "Generate them with: parcours keys generate"
            )
    return KeyMaterial(
        field_keys=parse_field_keys(field_text),
        blind_index_key=_decode_key("PARCOURS_BLIND_INDEX_KEY", blind_text),
    )
