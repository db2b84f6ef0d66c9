"""Forms of the safe-shelter journey on a case (dangers, zones, placement requests, proposals)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.core import dates
from parcours.core.geography import departement_choices, departement_name
from parcours.shelter.enums import Danger, RiskLevel, ZoneKind, ZoneReason
from parcours.www.common.choices import CommuneField, preselect_single_choices

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
    """A danger zone: a whole département, or a commune (typed by name or postcode) and the
    radius around it. The commune's position, never coordinates typed by hand, decides where
    the zone is."""

    kind = forms.ChoiceField(
        label=_("Kind of zone"),
        choices=[(k, label) for k, label in ZoneKind.choices if k != ZoneKind.POINT],
    )
    reason = forms.ChoiceField(label=_("Why"), choices=ZoneReason.choices)
    departement = forms.ChoiceField(
        label=_("Département"),
        choices=DEPARTEMENTS,
        required=False,
        help_text=_("For a whole département."),
    )
    commune = CommuneField(required=False)
    radius_km = forms.IntegerField(
        label=_("Radius (km)"),
        required=False,
        min_value=0,
        max_value=500,
        help_text=_("Around a commune, 30 km unless you say otherwise."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        preselect_single_choices(self)

    def clean(self):
        data = super().clean()
        kind, commune = data.get("kind"), data.get("commune")
        departement = data.get("departement") or ""
        if "commune" in self.errors:
            return data
        if kind == ZoneKind.TOWN and commune is None:
            self.add_error("commune", _("Type the commune (or its postcode)."))
        elif kind == ZoneKind.DEPARTEMENT and not departement and commune is None:
            self.add_error("departement", _("Choose the département."))
        elif commune is not None and departement and departement != commune.departement:
            self.add_error(
                "departement",
                _("%(commune)s is in the département %(found)s, not in %(given)s.")
                % {
                    "commune": commune.name,
                    "found": departement_name(commune.departement),
                    "given": departement_name(departement),
                },
            )
        elif commune is not None:
            data["departement"] = commune.departement
        return data


class PlacementRequestForm(DsfrBaseForm):
    """What the place must offer. ``known`` holds what the reader may see of the person (their
    sex, whether a minor, their languages: ``shelter.reading.request_defaults``); the distance
    to keep from danger starts at the service's setting and only a coordinator of the case may
    lower it (``can_lower_distance``)."""

    sex = forms.ChoiceField(
        label=_("The place is for"),
        choices=[("", "—"), ("F", _("A woman")), ("M", _("A man")), ("X", _("Another person"))],
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

    def __init__(self, *args, known=None, can_lower_distance=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_lower_distance = can_lower_distance
        self.fields["min_distance_km"].initial = settings.SAFE_DISTANCE_KM
        if not can_lower_distance:
            self.fields["min_distance_km"].help_text = _(
                "At least %(km)d km; only a coordinator of the case can set less."
            ) % {"km": settings.SAFE_DISTANCE_KM}
        for name, value in (known or {}).items():
            self.initial.setdefault(name, value)
        preselect_single_choices(self)

    def clean_min_distance_km(self):
        km = self.cleaned_data["min_distance_km"]
        if km is not None and km < settings.SAFE_DISTANCE_KM and not self.can_lower_distance:
            raise forms.ValidationError(
                _(
                    "The distance from danger cannot be less than %(km)d km: only a coordinator "
                    "of the case can lower it."
                )
                % {"km": settings.SAFE_DISTANCE_KM}
            )
        return km

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
        preselect_single_choices(self)


class ByHandForm(DsfrBaseForm):
    """A place offered outside the network (the 115/SIAO, a hotel), entered by hand: its name
    and its commune (by name or postcode), whose position the safety rule judges."""

    name = forms.CharField(label=_("Place offered"), max_length=200)
    commune = CommuneField()
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
