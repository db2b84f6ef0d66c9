"""Forms of the coordination screens."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class BreakGlassForm(DsfrBaseForm):
    ref = forms.CharField(label=_("Case reference"), max_length=12, help_text=_("e.g. C-7K3M-Q9"))
    reason = forms.CharField(
        label=_("Why you need this case now"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The referent organisation will read it. The access lasts a few hours."),
    )

    def clean_reason(self):
        from parcours.access import breakglass

        reason = self.cleaned_data["reason"]
        problem = breakglass.reason_problem(reason)
        if problem:
            raise forms.ValidationError(problem)
        return reason
