def unread_notifications(request):
    """The number shown on the bell in the header (signed-in members only)."""
    actor = getattr(request, "actor", None)
    if actor is None or actor.organisation is None:
        return {}
    from parcours.alerts.inbox import bell_label

    return {"unread_notifications": bell_label(actor)}
