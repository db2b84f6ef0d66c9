"""Forms of the identification part of the case page: a stage, the information on the
reflection period, the forms of exploitation, a claim to be a minor and its decision. They check
shape only; the rules are in ``parcours.identification``."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.accounts.models import Organisation
from parcours.core import dates
from parcours.core.roles import OrganisationKind
from parcours.identification import exploitation
from parcours.identification.models import MinorityClaim, Stage


class StageForm(DsfrBaseForm):
    code = forms.ChoiceField(label=_("Stage"), choices=Stage.Code.choices)
    on = dates.BoundedDateField(label=_("On"))
    unit = forms.ModelChoiceField(
        label=_("Police or gendarmerie unit that identified the person"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("For the identification, when your organisation is not that unit."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        law_enforcement = [OrganisationKind.POLICE, OrganisationKind.GENDARMERIE]
        if actor is not None and actor.organisation.kind in law_enforcement:
            del self.fields["unit"]  # a unit records its own identification
            return
        # The units that take part in the case, then those of the referent's département.
        units = Organisation.objects.filter(active=True, kind__in=law_enforcement)
        if case is not None:
            # The case's participants by their ids, not by a join: a join reads every
            # participation of every unit of the country (and needs a DISTINCT).
            taking_part = case.participants.filter(active=True).values("organisation_id")
            units = units.filter(
                models.Q(departement=case.referent_org.departement) | models.Q(pk__in=taking_part)
            )
        self.fields["unit"].queryset = units.order_by("name")


class ReflectionInformationForm(DsfrBaseForm):
    given_on = dates.BoundedDateField(label=_("Informed on"))
    language = forms.CharField(label=_("In which language"), max_length=60)
    interpreter = forms.CharField(label=_("Interpreter"), max_length=200, required=False)


def _form_choices():
    choices = []
    for form in exploitation.FORMS:
        choices.append((form.code, form.label))
        choices += [(f"{form.code}:{s.code}", f"— {s.label}") for s in form.subtypes]
    return choices


class ExploitationFormsForm(DsfrBaseForm):
    chosen = forms.MultipleChoiceField(
        label=_("Forms of exploitation (several allowed) and what is known of each"),
        choices=_form_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=16)

    def clean(self):
        data = super().clean()
        picked: dict[str, list[str]] = {}
        for value in data.get("chosen") or []:
            form, _sep, subtype = value.partition(":")
            picked.setdefault(form, [])
            if subtype:
                picked[form].append(subtype)
        data["forms"] = picked
        return data


class MinorityClaimForm(DsfrBaseForm):
    claimed_on = dates.BoundedDateField(label=_("The person said so on"))


class MinorityDecisionForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=MinorityClaim.Decision.choices, widget=forms.RadioSelect
    )
    decided_on = dates.BoundedDateField(label=_("Decided on"))
    basis = forms.CharField(
        label=_("On what it rests (evaluation, judge's order)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
