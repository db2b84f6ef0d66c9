"""Forms of the reporting journey: the public report, and the coordinator's two ways out of
the triage queue (open a case, close the report)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.reporting.enums import CloseReason
from parcours.reporting.models import (
    CLOSE_NOTE_MAX_CHARS,
    CONTACT_MAX_CHARS,
    SEEN_MAX_CHARS,
    SEEN_MIN_CHARS,
)
from parcours.www.common.choices import CommuneField

TRAP_FIELD = "website"  # hidden by the stylesheet: a person never fills it, a robot does


class ReportForm(DsfrBaseForm):
    seen = forms.CharField(
        label=_("What did you see or hear?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=SEEN_MIN_CHARS,
        max_length=SEEN_MAX_CHARS,
        help_text=_(
            "Facts rather than names: who (an adult, a minor, how many people), what, when, how "
            "often. Do not put yourself or anyone in danger to find out more."
        ),
        error_messages={
            "required": _("Say what you saw or heard."),
            "min_length": _(
                "Say a little more (at least %(limit_value)d characters) so that the "
                "coordination can act."
            ),
            "max_length": _(
                "Your text is too long: at most %(limit_value)d characters (it has "
                "%(show_value)d). Keep what matters most."
            ),
        },
    )
    commune = CommuneField(
        label=_("Where? Commune or postcode"),
        help_text=_(
            "For example “Grasse”, “06130” or “Saint-Denis (93)”: the commune decides which "
            "territorial coordination reads your report."
        ),
        error_messages={"required": _("Give the commune where it happens.")},
    )
    contact = forms.CharField(
        label=_("How can the coordination reach you?"),
        required=False,
        max_length=CONTACT_MAX_CHARS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "A phone number or an e-mail address, if you agree to be contacted. Leave it empty "
            "to stay anonymous: nothing else about you is kept."
        ),
        error_messages={
            "max_length": _(
                "At most %(limit_value)d characters (it has %(show_value)d): a phone number or "
                "an e-mail address is enough."
            ),
        },
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())

    @property
    def trapped(self) -> bool:
        """The hidden field was filled: a robot."""
        return bool((self.data.get(TRAP_FIELD) or "").strip())


class OpenCaseForm(DsfrBaseForm):
    organisation = forms.ModelChoiceField(
        label=_("Referent organisation"),
        queryset=None,
        empty_label=_("Choose the organisation that will follow the person"),
        help_text=_("It becomes the case's referent and is told at once."),
    )
    name = forms.CharField(
        label=_("Name or alias of the person"),
        required=False,
        max_length=200,
        help_text=_(
            "If the report gives one. Without it, the person is known as “Signalement S-…” "
            "until the referent learns more."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda org: (
            f"{org.name} — {org.get_kind_display()}"
        )


class CloseForm(DsfrBaseForm):
    reason = forms.ChoiceField(
        label=_("Why is the report closed without a case?"),
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the report is closed.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=CLOSE_NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “other reason”. Read by the coordination only."),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == CloseReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Say in the note why the report is closed."))
        return data
