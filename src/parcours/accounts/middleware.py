"""Resolve the active organisation once per request (as itou's current-organisation middleware).

A user may work for several organisations; the one they act for is kept in the session and
checked against their *current* memberships on every request, so an ended membership stops
working on the next request.
"""

from parcours.core.actor import Actor

SESSION_KEY = "active_membership_id"


class ActiveOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = resolve_actor(request)
        return self.get_response(request)


def resolve_actor(request) -> Actor | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = list(user.active_memberships())
    if not memberships:
        return Actor(user=user, membership=None)
    wanted = request.session.get(SESSION_KEY)
    chosen = next((m for m in memberships if m.pk == wanted), memberships[0])
    if chosen.pk != wanted:
        request.session[SESSION_KEY] = chosen.pk
    return Actor(user=user, membership=chosen, memberships=tuple(memberships))
