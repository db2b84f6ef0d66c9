"""The contact log (social group) and the contact form."""

from parcours.access import rules
from parcours.www.cases.forms import ContactForm


def context(view, forms) -> dict:
    contact_form = forms.get("contact_form")
    if contact_form is None and rules.can_log_contact(view.actor, view.case):
        contact_form = ContactForm()
    return {"contacts": view.contacts(), "contact_form": contact_form}
