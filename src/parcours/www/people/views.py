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
    history = view.history(HISTORY_ROWS) if show_history else []
    record(actor, Action.VIEW_PERSON, person, groups=view.groups)
    if show_history:
        record(actor, Action.VIEW_HISTORY, person)
    context = {
        "person_ref": person.ref,
        "sections": view.sections(),
        "cases": view.case_lines(),
        "history": history,
        "show_history": show_history,
    }
    return render(request, "www/people/detail.html", context)
