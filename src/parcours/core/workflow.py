"""Explicit lifecycles: a status moves only along its machine's table, each move logged.

The tables stay plain dictionaries in each domain (status -> the statuses it may go to; ADR
0005), next to the code that applies them. ``refuse_unless_allowed`` checks a move against one;
``move`` applies it to a row the caller locked: the new status and the changes in the same write,
the version bumped, one line in the transition log (who: user and organisation, none for a
system move; when; a note). Events and the journal stay with the domain (each says its own).
"""

from django.utils import timezone

from parcours.core.concurrency import bump
from parcours.core.errors import DomainError


def refuse_unless_allowed(transitions: dict, current: str, target: str, message: str) -> None:
    """Raise ``DomainError(message)`` when ``transitions`` has no move from current to target."""
    if target not in transitions.get(current, ()):
        raise DomainError(message)


def move(
    obj,
    to_status: str,
    *,
    log,
    subject: str,
    actor=None,
    system: bool = False,
    note: str = "",
    note_field: str = "note",
    changes: dict | None = None,
    at=None,
) -> str:
    """Set ``obj.status`` (and ``changes``) in one write, bump its version and write the line
    of its transition log (``log``: the model, ``subject``: its foreign key to ``obj``). Checks
    nothing: the caller checked the move and holds the row's lock. Returns the previous
    status."""
    now = at or timezone.now()
    previous = obj.status
    fields = {"status": to_status, **(changes or {})}
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, *bump(obj)])
    by_user = None if system or actor is None else actor.user
    by_org = None if system or actor is None else actor.organisation
    log.objects.create(
        **{subject: obj},
        from_status=previous,
        to_status=to_status,
        at=now,
        by_user=by_user,
        by_org=by_org,
        **{note_field: note},
    )
    return previous
