"""The notifications page: what happened for my organisation (or for me), newest first, each
with its reference and a link. Reading one marks it read for me only."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parcours.access.listing import label_by_reference
from parcours.alerts import inbox

PAGE_SIZE = 30


def notification_list(request):
    notifications = inbox.for_actor(request.actor)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = label_by_reference(request.actor, page.object_list, lambda n: n.ref)
    return render(request, "www/account/notifications.html", {"page": page, "rows": rows})


@require_POST
def notification_open(request, pk):
    """Mark one notification read and follow its link (the link's page checks access itself)."""
    notification = inbox.for_actor(request.actor).filter(pk=pk).first()
    if notification is None:
        raise Http404
    inbox.mark_read(request.actor, [notification])
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications")


@require_POST
def notification_read_all(request):
    inbox.mark_read(request.actor, inbox.for_actor(request.actor).filter(is_read=False))
    return redirect("notifications")
