"""The notifications a signed-in member sees: their organisation's, and those addressed to them.
Only for the active organisation (``request.actor``), like everything else."""

from django.db.models import Exists, OuterRef

from parcours.alerts.models import Notification, NotificationRead


def for_actor(actor):
    if actor is None or actor.organisation is None:
        return Notification.objects.none()
    own = Notification.objects.filter(organisation=actor.organisation)
    own = own.filter(user__isnull=True) | own.filter(user=actor.user)
    read = NotificationRead.objects.filter(notification=OuterRef("pk"), user=actor.user)
    return own.annotate(is_read=Exists(read))


BELL_CAP = 99  # the bell says "99+" beyond: counting a decade of notifications on every page
# would cost as much as the page


def unread_count(actor, cap: int | None = None) -> int:
    """How many notifications ``actor`` has not read; counted up to ``cap + 1`` when given."""
    unread = for_actor(actor).filter(is_read=False)
    return unread.count() if cap is None else capped_count(unread, cap)


def bell_label(actor) -> str:
    """The number on the bell: the unread count, or "99+" beyond ``BELL_CAP``."""
    return capped_label(unread_count(actor, cap=BELL_CAP), BELL_CAP)


def capped_label(count: int, cap: int = BELL_CAP) -> str:
    """A count shown in the header: empty for none, "99+" beyond ``cap``."""
    return f"{cap}+" if count > cap else str(count) if count else ""


def capped_count(queryset, cap: int = BELL_CAP) -> int:
    """How many rows ``queryset`` has, counted up to ``cap + 1`` only."""
    return queryset.order_by()[: cap + 1].count()


def mark_read(actor, notifications) -> None:
    for notification in notifications:
        NotificationRead.objects.get_or_create(notification=notification, user=actor.user)
