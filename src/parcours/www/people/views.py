"""The person page, by field group, with its access history for the referent. Everything shown
comes from the redaction object (``access.redaction.PersonView``)."""

from django.shortcuts import render

from parcours.access import rules
from parcours.access.redaction import PersonView
from parcours.access.shortcuts import get_person_or_404
from parcours.audit.enums import Action
from parcours.audit.journal import record

HISTORY_ROWS = 100


def person_detail(request, ref):
    actor = request.actor
    person = get_person_or_404(actor, ref)
    view = PersonView(actor, person)
    show_history = rules.can_view_access_history(actor, person)
    # Older entries page by page from the last one shown (``?avant=<its number>``); anything
    # else in the parameter shows the newest ones.
    before = request.GET.get("avant", "")
    before = int(before) if before.isdigit() and 0 < int(before) < 2**63 else None
    history = view.history(HISTORY_ROWS + 1, before) if show_history else []
    older = history[HISTORY_ROWS - 1].seq if len(history) > HISTORY_ROWS else None
    history = history[:HISTORY_ROWS]
    record(actor, Action.VIEW_PERSON, person, groups=view.groups)
    if show_history:
        record(actor, Action.VIEW_HISTORY, person)
    context = {
        "person_ref": person.ref,
        "sections": view.sections(),
        "cases": view.case_lines(),
        "history": history,
        "show_history": show_history,
        "history_older": older,
        "history_paged": before is not None,
    }
    return render(request, "www/people/detail.html", context)
