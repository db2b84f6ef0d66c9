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
    if cap is not None:
        unread = unread.order_by()[: cap + 1]
    return unread.count()


def bell_label(actor) -> str:
    """The number on the bell: the unread count, or "99+" beyond ``BELL_CAP``."""
    count = unread_count(actor, cap=BELL_CAP)
    return f"{BELL_CAP}+" if count > BELL_CAP else str(count) if count else ""


def mark_read(actor, notifications) -> None:
    for notification in notifications:
        NotificationRead.objects.get_or_create(notification=notification, user=actor.user)
