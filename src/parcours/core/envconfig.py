"""Typed readers for environment variables that stop at start-up on a bad value.

Modelled on healthchecks' ``envbool``/``envint``/``envsecret``: a value that cannot be read is an
``ImproperlyConfigured`` error naming the variable, never a silent default. A secret may also be
given as ``<NAME>_FILE`` (a path), as container secret stores do.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def boolean(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r})."
    )


def integer(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    maximum_from: str = "",
) -> int:
    """A whole number, within ``minimum``..``maximum`` (both included) when they are given.

    ``maximum_from`` names the variable the maximum comes from (an idle timeout bounded by the
    session's lifetime), so that the message says which one to change.
    """
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        value, shown = default, f"{default!r}, the default"
    else:
        try:
            value, shown = int(raw), repr(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from None
    too_small = minimum is not None and value < minimum
    too_large = maximum is not None and value > maximum
    if too_small or too_large:
        if minimum is not None and maximum is not None:
            allowed = f"between {minimum} and {maximum}"
        elif minimum is not None:
            allowed = f"at least {minimum}"
        else:
            allowed = f"at most {maximum}"
        source = f"; the maximum follows {maximum_from}" if maximum_from else ""
        raise ImproperlyConfigured(f"{name} must be {allowed} (got {shown}){source}.")
    return value


def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = os.environ.get(name, default).strip().lower()
    if raw not in allowed:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(allowed)} (got {raw!r}).")
    return raw


def csv(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def secret(name: str, required: bool, min_length: int = 1) -> str:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is None and file_name:
        try:
            value = Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {file_name!r}: {exc}") from None
    if not value:
        if required:
            raise ImproperlyConfigured(
                f"Set {name} (or {name}_FILE): it is required in production."
            )
        return ""
    if len(value) < min_length:
        raise ImproperlyConfigured(
            f"{name} is too short: use at least {min_length} random characters."
        )
    return value


def local_secret(path: Path) -> str:
    """A secret kept in a local file (demo mode only), created with 0600 permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_private_file(path, secrets.token_urlsafe(64))
    return path.read_text().strip()


def write_private_file(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only; never widen an existing file's mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
