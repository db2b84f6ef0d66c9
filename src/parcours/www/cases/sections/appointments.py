"""Appointments, their attendees and place as the redaction object shows them, and the form
(its place checked against the danger zones)."""

from parcours.cases.appointments import can_plan
from parcours.shelter import rules as shelter_rules
from parcours.www.cases.forms import AppointmentForm


def context(view, forms) -> dict:
    form = forms.get("appointment_form")
    if form is None and can_plan(view.actor, view.case):
        form = AppointmentForm(
            case=view.case,
            groups=view.groups,
            can_override=shelter_rules.can_override(view.actor, view.case),
        )
    return {"appointments": view.appointments(), "appointment_form": form}
