"""Intake forms that record the dangers at once (S2 step 1) and the intake of several people
found together (S4): the fields of the dangers and zones, shared by both; a group's shared part
and its rows, one per person. What they mean is in ``parcours.shelter.intake``."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.core import dates
from parcours.core.geography import departement_choices
from parcours.people.enums import Sex
from parcours.shelter.enums import Danger, RiskLevel
from parcours.shelter.intake import SafetyAtIntake, ZoneAtIntake
from parcours.www.cases.forms import IntakeForm
from parcours.www.common.choices import CommuneField

MAX_ROWS = 30


class SafetyFields(forms.Form):
    """Immediate dangers and danger zones, known at intake."""

    dangers = forms.MultipleChoiceField(
        label=_("Immediate dangers"),
        choices=Danger.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.ChoiceField(
        label=_("How serious is the danger"),
        choices=[("", _("Not assessed yet")), *RiskLevel.choices],
        required=False,
    )
    zone_departements = forms.MultipleChoiceField(
        label=_("Départements to keep the person away from"),
        choices=departement_choices(),
        required=False,
        help_text=_("Where the person was recruited or exploited, where the exploiters live."),
    )
    zone_commune = CommuneField(
        label=_("A commune to keep away from (or its postcode)"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("dangers") and not data.get("level"):
            self.add_error("level", _("Say how serious the danger is."))
        return data

    def safety(self) -> SafetyAtIntake:
        data = self.cleaned_data
        zones = [ZoneAtIntake(departement=code) for code in data.get("zone_departements") or []]
        commune = data.get("zone_commune")
        if commune is not None:
            zones.append(
                ZoneAtIntake(
                    departement=commune.departement,
                    town=commune.name,
                    lat=commune.lat,
                    lon=commune.lon,
                )
            )
        return SafetyAtIntake(
            dangers=list(data.get("dangers") or []), level=data.get("level") or "", zones=zones
        )


class SafeIntakeForm(IntakeForm, SafetyFields):
    """Open a case for one person, with the dangers and zones known at intake."""

    def clean(self):
        data = IntakeForm.clean(self)
        if data.get("dangers") and not data.get("level"):
            self.add_error("level", _("Say how serious the danger is."))
        return data


class GroupIntakeForm(DsfrBaseForm, SafetyFields):
    """What the people found together share: the operation, the first contact, the dangers and
    zones that apply to all, and whether to ask for a safe place for those who agree."""

    intake_token = forms.UUIDField(widget=forms.HiddenInput)
    operation = forms.CharField(
        label=_("Operation"),
        max_length=60,
        help_text=_("A short label the cases share, e.g. “Inspection ferme 47, 12/2026”. No name."),
    )
    first_contact = forms.CharField(
        label=_("How they were found"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    sex = forms.ChoiceField(
        label=_("Sex, unless given for a person"), choices=Sex.choices, initial=Sex.UNKNOWN
    )
    ask_shelter = forms.BooleanField(
        label=_("Ask for a safe place for each person who agrees"), required=False
    )
    consent_date = dates.BoundedDateField(
        span=dates.PAST_EVENT,
        label=_("Date on which they agreed to be placed"),
        required=False,
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("3", _("3 — immediate danger")), ("2", _("2 — urgent")), ("1", _("1 — normal"))],
        initial="2",
    )

    def clean(self):
        data = super().clean()
        if data.get("ask_shelter") and not data.get("consent_date"):
            self.add_error("consent_date", _("Give the date on which they agreed to be placed."))
        return data


class GroupPersonForm(IntakeForm):
    """One row of a group intake: a person, and their own consent to be placed. A row left
    empty is no person."""

    consents_to_shelter = forms.BooleanField(label=_("Agrees to be placed"), required=False)
    ROW_FIELDS = (
        "family_name",
        "given_names",
        "birth_year",
        "sex",
        "languages",
        "phone",
        "consents_to_shelter",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.ROW_FIELDS:
                del self.fields[name]
        self.fields["sex"].choices = [("", _("As above")), *Sex.choices]
        self.fields["sex"].initial = ""
        self.fields["sex"].required = False
        self.empty_permitted = True
        self.use_required_attribute = False

    def clean(self):
        if not self.has_changed():
            return self.cleaned_data
        return super().clean()

    def person_data(self, default_sex: str) -> dict:
        data = self.cleaned_data
        birth = None
        if data.get("birth_year"):
            birth = {"year": data["birth_year"], "month": None, "day": None, "approximate": False}
        return {
            "family_name": data["family_name"].strip(),
            "given_names": data["given_names"].strip(),
            "birth_date": birth,
            "sex": data.get("sex") or default_sex,
            "languages": [v.strip() for v in data["languages"].split(",") if v.strip()],
            "phone": data["phone"],
        }


PeopleFormSet = forms.formset_factory(
    GroupPersonForm, extra=0, min_num=1, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)
