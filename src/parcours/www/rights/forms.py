"""Forms of the rights journey: writing a letter about a refusal, recording its answer."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class LetterForm(DsfrBaseForm):
    kind = forms.ChoiceField(choices=[("refusal", "refusal"), ("prefecture", "prefecture")])
    referral = forms.CharField(max_length=12, required=False)
    names_the_person = forms.BooleanField(
        label=_("Name the person in the letter (otherwise the case reference stands for them)"),
        required=False,
    )


class LetterAnswerForm(DsfrBaseForm):
    answer = forms.CharField(
        label=_("What was answered"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
