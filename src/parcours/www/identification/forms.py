"""Forms of the identification journey: starting a screening, and the guided screening form
(one question per indicator of the file version the screening is answered against, four
answers each, grouped by category). They check shape; the rules live in
``parcours.identification.screening``."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineRadioSelect

from parcours.identification import indicators
from parcours.identification.screening import MAX_NOTES

ANSWER_CHOICES = [
    (indicators.OBSERVED, _("Observed")),
    (indicators.REPORTED, _("Reported by the person")),
    (indicators.NOT_OBSERVED, _("Not observed")),
    (indicators.UNKNOWN, _("Unknown")),
]
SAVE = "save"
COMPLETE = "complete"
PREFIX = "i_"


class StartScreeningForm(DsfrBaseForm):
    """Nothing to fill: the button starts a draft."""


class ScreeningForm(DsfrBaseForm):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you observed or were told, in your words. Read by the same readers."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[(SAVE, SAVE), (COMPLETE, COMPLETE)], required=False)

    def __init__(self, *args, catalogue, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        answers = answers or {}
        for indicator in catalogue:
            self.fields[PREFIX + indicator.id] = forms.ChoiceField(
                label=str(indicator.text),
                choices=ANSWER_CHOICES,
                required=False,
                widget=InlineRadioSelect,
                initial=answers.get(indicator.id),
            )

    def answers(self) -> dict[str, str]:
        """The answers given on the page (an indicator left blank is not sent)."""
        return {
            name.removeprefix(PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(PREFIX) and value
        }

    def completing(self) -> bool:
        return self.cleaned_data.get("action") == COMPLETE

    def groups(self):
        """(category, its questions) in the file's order."""
        return [
            (category, [self[PREFIX + indicator.id] for indicator in items])
            for category, items in self.catalogue.grouped()
        ]
