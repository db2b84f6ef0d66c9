"""The case timeline: one place that writes its typed events."""

from django.utils import timezone

from parcours.cases.models import Event
from parcours.core.groups import FieldGroup


def add_event(
    case,
    actor,
    kind: str,
    *,
    at=None,
    group: str = FieldGroup.SOCIAL,
    summary: str = "",
    data: dict | None = None,
    system: bool = False,
) -> Event:
    """Append an event; ``summary`` is free text (encrypted), ``data`` holds codes only."""
    return Event.objects.create(
        case=case,
        kind=kind,
        group=group,
        at=at or timezone.now(),
        by_user=None if system or actor is None else actor.user,
        by_org=None if system or actor is None else actor.organisation,
        summary=summary,
        data=data or {},
    )
