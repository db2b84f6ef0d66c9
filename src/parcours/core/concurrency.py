"""Row lock and version check: the one way a write refuses a stale page.

Every object a page edits carries a ``version`` (shown in the form as a hidden field). A write
locks the row until its transaction ends (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has
one writer at a time), then compares the version the page was drawn from with the stored one:
another person's change in between makes it refuse with ``StaleVersion`` and a message saying
what to do, and nothing is written. A move bumps the version (``bump``).
"""

from parcours.core.errors import StaleVersion


def check_version(obj, expected_version, message: str) -> None:
    """Refuse when the page was drawn from another version (``None``: no page, no check)."""
    if expected_version is not None and obj.version != expected_version:
        raise StaleVersion(str(message))  # a lazy message, in the language of this request


def lock(queryset, pk, expected_version=None, *, stale: str, of=()):
    """The row ``pk`` of ``queryset``, locked until the caller's transaction ends (call inside
    ``transaction.atomic``), its version checked against the page's. ``of=("self",)`` locks
    only this table's row when the queryset follows nullable relations (PostgreSQL refuses to
    lock the nullable side of an outer join)."""
    locked = queryset.select_for_update(of=of).get(pk=pk)
    check_version(locked, expected_version, stale)
    return locked


def bump(obj) -> list[str]:
    """Count one more change; the field to save with it."""
    obj.version += 1
    return ["version"]
