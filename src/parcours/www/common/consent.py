"""The fields of every consent the person gives (``core.models.ConsentRecord``): when, how, in
which language the person was informed and through which interpreter. The consent to share
and the consent to a case conference add what the consent is to."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.core import dates
from parcours.core.models import ConsentMethod


class ConsentRecordForm(DsfrBaseForm):
    given_on = dates.BoundedDateField(
        label=_("Consent given on"),
        span=dates.PAST_EVENT,
        error_messages={"too_late": _("The consent date cannot be in the future.")},
        initial=timezone.localdate,
    )
    how = forms.ChoiceField(label=_("How it was given"), choices=ConsentMethod.choices)
    language = forms.CharField(label=_("Language in which the person was informed"), max_length=60)
    interpreter = forms.CharField(label=_("Interpreter"), required=False, max_length=200)

    def clean_given_on(self):
        given_on = self.cleaned_data.get("given_on")
        if given_on and given_on > timezone.localdate():
            raise forms.ValidationError(_("The consent date cannot be in the future."))
        return given_on
