"""What every page's frame needs of the permission layer: whether to offer the coordination's
menu (exceptional access)."""

from parcours.access import rules


def coordination(request):
    actor = getattr(request, "actor", None)
    return {"is_coordinator": actor is not None and rules.is_coordinator(actor)}
