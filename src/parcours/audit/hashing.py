"""The hash of one journal entry: SHA-256 of its canonical content (ADR 0004)."""

import datetime
import hashlib
import json

from parcours.core.crypto import keyring


def _content(entry, seq) -> dict:
    at = entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return {
        "seq": seq,
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


def _dumps(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _canonical(entry) -> bytes:
    return _dumps(_content(entry, entry.seq))


def entry_hash(entry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


# The number in the canonical content of an entry not yet numbered. Keys are sorted and a quote
# inside a string value is escaped, so this can only be the "seq" key itself.
_UNNUMBERED = b'"seq":0,'


def hash_parts(entry) -> tuple[bytes, bytes]:
    """The canonical content of an entry whose number is not known yet, in two halves around
    where the number goes: a bulk loader prepares them in other processes, then numbers its
    entries at the cost of one SHA-256 each (``numbered_hash``). ``entry.seq`` is not read."""
    before, found, after = _dumps(_content(entry, 0)).partition(_UNNUMBERED)
    if not found:  # cannot happen while "seq" is an integer key of the content
        raise ValueError("the canonical content has no number")
    return before + b'"seq":', b"," + after


def numbered_hash(parts: tuple[bytes, bytes], seq: int) -> str:
    """``entry_hash`` of the entry ``hash_parts`` gave ``parts``, numbered ``seq``."""
    return hashlib.sha256(b"%s%d%s" % (parts[0], seq, parts[1])).hexdigest()
