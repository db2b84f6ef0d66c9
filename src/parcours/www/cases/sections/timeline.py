"""The timeline (events filtered by group in SQL) and the note form."""

from parcours.access import rules
from parcours.www.cases.forms import NoteForm


def context(view, forms) -> dict:
    can_contact = rules.can_log_contact(view.actor, view.case)
    note_form = forms.get("note_form")
    if note_form is None and can_contact:
        note_form = NoteForm(groups=view.groups)
    return {"events": view.events(), "note_form": note_form}
