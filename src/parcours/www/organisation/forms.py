"""Forms of the organisation's pages: the designation asked for one member.

The form names the state wanted (designated or not), not a toggle, so a double submit asks
for the same state twice; the rules live in ``parcours.accounts.designation``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

ALLOWED_CHOICES = [("yes", _("Designate")), ("no", _("Withdraw the designation"))]


class LocationDesignationForm(DsfrBaseForm):
    allowed = forms.TypedChoiceField(
        label=_("May see where people sleep"),
        choices=ALLOWED_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Say whether the member is designated or not."),
            "invalid_choice": _("Say whether the member is designated or not."),
        },
    )
