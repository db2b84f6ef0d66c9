"""Forms of the safe-shelter journey on a case (dangers, zones, placement requests, proposals)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.core import dates
from parcours.core.geography import departement_choices
from parcours.shelter.enums import Danger, RiskLevel, ZoneKind, ZoneReason

DEPARTEMENTS = [("", "—"), *departement_choices()]
OVERRIDE_LABEL = _("Coordinator: why allow a place inside a danger zone")


class RiskForm(DsfrBaseForm):
    dangers = forms.MultipleChoiceField(
        label=_("Immediate dangers"),
        choices=Danger.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "“Housed by the exploiter” and “the exploiters know where the person is” make the "
            "danger critical."
        ),
    )
    level = forms.ChoiceField(label=_("Level"), choices=RiskLevel.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ZoneForm(DsfrBaseForm):
    kind = forms.ChoiceField(label=_("Kind of zone"), choices=ZoneKind.choices)
    reason = forms.ChoiceField(label=_("Why"), choices=ZoneReason.choices)
    departement = forms.ChoiceField(label=_("Département"), choices=DEPARTEMENTS, required=False)
    town = forms.CharField(label=_("Town"), required=False, max_length=200)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    radius_km = forms.IntegerField(
        label=_("Radius (km)"),
        required=False,
        min_value=0,
        max_value=500,
        help_text=_("For a town, 30 km unless you say otherwise."),
    )


class PlacementRequestForm(DsfrBaseForm):
    sex = forms.ChoiceField(
        label=_("The place is for"),
        choices=[("F", _("A woman")), ("M", _("A man")), ("X", _("Another person"))],
    )
    minor = forms.BooleanField(label=_("A minor"), required=False)
    family_size = forms.IntegerField(
        label=_("People to place together"), min_value=1, max_value=12, initial=1
    )
    pets = forms.BooleanField(label=_("With a pet"), required=False)
    languages = forms.CharField(
        label=_("Languages the person speaks"),
        required=False,
        max_length=200,
        help_text=_("Separated by commas."),
    )
    security_level = forms.IntegerField(
        label=_("Minimum security level (0 to 3)"), min_value=0, max_value=3, initial=0
    )
    min_distance_km = forms.IntegerField(
        label=_("Distance to keep from every danger zone (km)"),
        min_value=0,
        max_value=1000,
        initial=settings.SAFE_DISTANCE_KM,
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("3", _("3 — immediate danger")), ("2", _("2 — urgent")), ("1", _("1 — normal"))],
        initial="2",
    )
    consent_date = dates.BoundedDateField(
        label=_("The person agreed to be placed on"),
        initial=timezone.localdate,
        span=dates.PAST_EVENT,
        error_messages={"too_late": _("The consent date cannot be in the future.")},
    )
    operation = forms.CharField(
        label=_("Operation (several people found together)"), required=False, max_length=60
    )

    def language_list(self):
        return [x.strip() for x in self.cleaned_data.get("languages", "").split(",") if x.strip()]


class ProposeForm(DsfrBaseForm):
    """The facilities chosen in the ranked list, asked in the order of the list."""

    facilities = forms.MultipleChoiceField(
        label=_("Propose to (in the order of the list)"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    override_reason = forms.CharField(
        label=OVERRIDE_LABEL,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choices=(), can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilities"].choices = choices
        if not can_override:
            del self.fields["override_reason"]


class ByHandForm(DsfrBaseForm):
    """A place offered outside the network (the 115/SIAO, a hotel), entered by hand."""

    name = forms.CharField(label=_("Place offered"), max_length=200)
    departement = forms.ChoiceField(
        label=_("Département"),
        choices=DEPARTEMENTS,
        help_text=_(
            "With a latitude and a longitude, the point decides: it must lie in this département."
        ),
    )
    town = forms.CharField(label=_("Town"), required=False, max_length=200)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    override_reason = forms.CharField(
        label=OVERRIDE_LABEL,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]
