"""Forms of the case-conference pages. They check shape and presence; the rules live in
``parcours.conferences`` (services and rules)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.core import dates
from parcours.core.groups import FieldGroup
from parcours.www.common.consent import ConsentRecordForm

AGENDA_ROWS = 4
DECISION_ROWS = 4


def _group_choices(groups):
    labels = dict(FieldGroup.choices)
    return [(g, labels[g]) for g in FieldGroup.values if groups is None or g in groups]


def _group_field(number):
    return forms.ChoiceField(
        label=_("Readable by those who see (point %(number)s)") % {"number": number},
        choices=FieldGroup.choices,
        initial=FieldGroup.SOCIAL,
        required=False,
    )


class ConveneForm(DsfrBaseForm):
    """When and where, who is invited, and the agenda: a few points, each readable only by
    those who see its group."""

    at = dates.BoundedDateTimeField(label=_("When"), span=dates.PLANNED)
    place = forms.CharField(
        label=_("Where"),
        required=False,
        max_length=200,
        help_text=_("Where the organisations meet, or a video link. Never the person's address."),
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("Invited organisations"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The referent is always invited. Each invited organisation is notified."),
    )
    person_invited = forms.BooleanField(label=_("The person is invited"), required=False)

    def __init__(self, *args, case=None, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.cases.tasks import owner_choices

        choices = owner_choices(case, groups)
        self.fields["invited"].queryset = choices
        self.fields["invited"].initial = list(choices.values_list("pk", flat=True))
        for number in range(1, AGENDA_ROWS + 1):
            self.fields[f"agenda_{number}"] = forms.CharField(
                label=_("Point %(number)s to discuss") % {"number": number},
                required=number == 1,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            group = _group_field(number)
            group.choices = _group_choices(groups)
            self.fields[f"agenda_{number}_group"] = group

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at and at < timezone.now() - datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("A conference is convened for a date to come."))
        return at

    def agenda_rows(self):
        """Bound fields by row, for the template."""
        return [
            (self[f"agenda_{number}"], self[f"agenda_{number}_group"])
            for number in range(1, AGENDA_ROWS + 1)
        ]

    def agenda(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "text": data.get(f"agenda_{number}") or "",
                "group": data.get(f"agenda_{number}_group") or FieldGroup.SOCIAL,
            }
            for number in range(1, AGENDA_ROWS + 1)
            if (data.get(f"agenda_{number}") or "").strip()
        ]


class ConferenceConsentForm(ConsentRecordForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RecordForm(DsfrBaseForm):
    """Who attended, whether the person attended, and the decisions, each going to one
    organisation of the pathway as a task."""

    attended = forms.ModelMultipleChoiceField(
        label=_("Organisations present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    person_attended = forms.BooleanField(label=_("The person attended"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, invited=None, owners=None, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = invited
        for number in range(1, DECISION_ROWS + 1):
            self.fields[f"decision_{number}"] = forms.CharField(
                label=_("Decision %(number)s") % {"number": number},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            group = _group_field(number)
            group.label = _("Readable by those who see (decision %(number)s)") % {"number": number}
            group.choices = _group_choices(groups)
            self.fields[f"decision_{number}_group"] = group
            self.fields[f"decision_{number}_owner"] = forms.ModelChoiceField(
                label=_("Organisation in charge (decision %(number)s)") % {"number": number},
                queryset=owners,
                required=False,
            )
            self.fields[f"decision_{number}_due_on"] = dates.BoundedDateField(
                label=_("By (decision %(number)s)") % {"number": number},
                required=False,
                span=dates.PLANNED,
            )

    def clean(self):
        data = super().clean()
        for number in range(1, DECISION_ROWS + 1):
            if (data.get(f"decision_{number}") or "").strip() and not data.get(
                f"decision_{number}_owner"
            ):
                self.add_error(
                    f"decision_{number}_owner", _("Say which organisation is in charge.")
                )
        return data

    def decision_rows(self):
        return [
            (
                self[f"decision_{number}"],
                self[f"decision_{number}_group"],
                self[f"decision_{number}_owner"],
                self[f"decision_{number}_due_on"],
            )
            for number in range(1, DECISION_ROWS + 1)
        ]

    def decisions(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "text": data[f"decision_{number}"],
                "group": data.get(f"decision_{number}_group") or FieldGroup.SOCIAL,
                "owner_org": data[f"decision_{number}_owner"],
                "due_on": data.get(f"decision_{number}_due_on"),
            }
            for number in range(1, DECISION_ROWS + 1)
            if (data.get(f"decision_{number}") or "").strip()
        ]


class CancelForm(DsfrBaseForm):
    reason = forms.CharField(
        label=_("Why it is cancelled"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Read by the organisations that see the social situation."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
