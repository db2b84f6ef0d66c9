from functools import cached_property


def unread_notifications(request):
    """The numbers shown in the header (signed-in members only): unread notifications on the
    bell; open tasks and open alerts beside "My tasks" and "My alerts", counted only when the
    page shows them."""
    actor = getattr(request, "actor", None)
    if actor is None or actor.organisation is None:
        return {}
    from parcours.alerts.inbox import bell_label

    return {"unread_notifications": bell_label(actor), "header_counts": HeaderCounts(actor)}


class HeaderCounts:
    def __init__(self, actor):
        self.actor = actor

    @cached_property
    def tasks(self) -> str:
        from parcours.alerts.inbox import capped_count, capped_label
        from parcours.cases.tasks import open_for

        return capped_label(capped_count(open_for(self.actor)))

    @cached_property
    def alerts(self) -> str:
        from parcours.alerts.dashboard import open_states
        from parcours.alerts.inbox import capped_count, capped_label

        return capped_label(capped_count(open_states(self.actor)))
