"""The hash of one journal entry: SHA-256 of its canonical content (ADR 0004)."""

import datetime
import hashlib
import json

from parcours.core.crypto import keyring


def _canonical(entry) -> bytes:
    at = entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    content = {
        "seq": entry.seq,
        "at": at,
        "user": entry.user_id,
        "username": entry.username,
        "organisation": entry.organisation_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_ref": entry.object_ref,
        "related_ref": entry.related_ref,
        "groups": list(entry.groups),
        # A keyed MAC, not the text: short reasons ("consent") cannot be confirmed by guessing.
        "reason": keyring().mac(entry.reason, "journal-reason"),
        "prev": entry.prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()
