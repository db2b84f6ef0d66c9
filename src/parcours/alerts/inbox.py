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


def unread_count(actor) -> int:
    return for_actor(actor).filter(is_read=False).count()


def mark_read(actor, notifications) -> None:
    for notification in notifications:
        NotificationRead.objects.get_or_create(notification=notification, user=actor.user)
