"""Pseudonymous references shown in lists, logs and URLs instead of names.

Format ``P-7K3M-Q9``: a prefix letter, five random characters from Crockford's base 32 (no I, L,
O, U) and a check character, so a mistyped reference is caught before any look-up.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARS = 5


def _check_char(prefix: str, body: str) -> str:
    """Luhn mod 32 over the prefix and body: catches every single mistyped character and most
    swaps of two neighbours."""
    n = len(ALPHABET)
    factor, total = 2, 0
    for char in reversed(prefix + body):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    check = _check_char(prefix, body)
    return f"{prefix}-{body[:4]}-{body[4]}{check}"


def is_valid_reference(prefix: str, ref: str) -> bool:
    if not isinstance(ref, str) or len(ref) != len(prefix) + 8:
        return False
    head, sep1, rest = ref.partition("-")
    first, sep2, tail = rest.partition("-")
    if head != prefix or not sep1 or not sep2 or len(first) != 4 or len(tail) != 2:
        return False
    body = first + tail[0]
    if any(char not in ALPHABET for char in head + body + tail[1]):
        return False
    return _check_char(prefix, body) == tail[1]
