"""Forms of the case journey. Every message is translated; nothing is saved unless valid."""

import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.access import rules
from parcours.accounts.models import Organisation
from parcours.cases.enums import (
    CaseStatus,
    ContactChannel,
    LegalBasis,
    ParticipantRole,
    SharingBasis,
)
from parcours.core import dates
from parcours.core.groups import FieldGroup
from parcours.people.enums import Sex
from parcours.rights.facts import BOOL, CHOICE, DATE, FACTS
from parcours.www.common.choices import CommuneField, preselect_single_choices


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class IntakeForm(DsfrBaseForm):
    """Open a case: who the person is (as far as known) and the first contact."""

    intake_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Aliases or other spellings"),
        required=False,
        max_length=500,
        help_text=_("Separate with commas."),
    )
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    birth_month = forms.IntegerField(label=_("Month of birth"), required=False)
    birth_day = forms.IntegerField(label=_("Day of birth"), required=False)
    birth_approximate = forms.BooleanField(
        label=_("The date of birth is uncertain"), required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    nationalities = forms.CharField(
        label=_("Nationalities"),
        required=False,
        max_length=200,
        help_text=_("Separate with commas."),
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        max_length=200,
        help_text=_("Separate with commas."),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    first_contact = forms.CharField(
        label=_("First contact"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("How the person reached your organisation."),
    )
    location_now = forms.CharField(
        label=_("Where the person sleeps tonight"), required=False, max_length=500
    )
    safety_notes = forms.CharField(
        label=_("Immediate dangers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    social_notes = forms.CharField(
        label=_("Social situation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and (
            sum(ch.isdigit() for ch in phone) < 6
            or any(not (ch.isdigit() or ch in " +.-()") for ch in phone)
        ):
            raise forms.ValidationError(_("Enter a phone number (digits, spaces, + . - only)."))
        from parcours.people import phones

        # A number that has no E.164 form would be indexed differently from how it is searched.
        if phone and not phones.is_valid(phone):
            raise forms.ValidationError(
                _(
                    "Enter a valid phone number, for example 06 12 34 56 78, or with its country "
                    "code for a number abroad: +40 721 234 567."
                )
            )
        return phone

    def clean(self):
        data = super().clean()
        if not (data.get("family_name") or data.get("given_names") or data.get("aliases")):
            raise forms.ValidationError(
                _("Give at least a name or an alias, even an approximate one.")
            )
        year, month, day = data.get("birth_year"), data.get("birth_month"), data.get("birth_day")
        today = timezone.localdate()
        if (month or day) and not year:
            self.add_error("birth_year", _("Give the year when you give a month or a day."))
        elif day and not month:
            self.add_error("birth_month", _("Give the month when you give a day."))
        elif year:
            if not dates.BIRTH_EARLIEST.year <= year <= today.year:
                self.add_error("birth_year", _("Enter a year between 1900 and this year."))
            elif month and not 1 <= month <= 12:
                self.add_error("birth_month", _("Enter a month between 1 and 12."))
            elif day:
                try:
                    birth = datetime.date(year, month, day)
                except ValueError:
                    self.add_error("birth_day", _("This day does not exist in that month."))
                else:
                    if birth > today:
                        self.add_error("birth_day", _("The date of birth cannot be in the future."))
        return data

    def person_data(self) -> dict:
        data = self.cleaned_data
        birth = None
        if data.get("birth_year"):
            birth = {
                "year": data["birth_year"],
                "month": data.get("birth_month"),
                "day": data.get("birth_day"),
                "approximate": bool(data.get("birth_approximate")),
            }
        return {
            "family_name": data["family_name"].strip(),
            "given_names": data["given_names"].strip(),
            "aliases": _split_list(data["aliases"]),
            "birth_date": birth,
            "sex": data["sex"],
            "nationalities": _split_list(data["nationalities"]),
            "languages": _split_list(data["languages"]),
            "phone": data["phone"],
            "location_now": data["location_now"].strip(),
            "safety_notes": data["safety_notes"].strip(),
            "social_notes": data["social_notes"].strip(),
        }


class CaseFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_(
            "A reference, any part of a name in any order (accents optional), initials, a date "
            "or year of birth, a phone number: “tran t mai”, “Mai 1998”, “06 12 34 56 78”."
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + CaseStatus.choices
    )
    referent = forms.ChoiceField(
        label=_("Held by"),
        required=False,
        choices=[
            ("", _("Any organisation")),
            ("mine", _("My organisation")),
            ("me", _("Followed by me")),
        ],
    )


class StatusForm(DsfrBaseForm):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            labels = dict(CaseStatus.choices)
            # No status is chosen for the caseworker: an empty submission changes nothing.
            self.fields["status"].choices = [
                ("", _("Choose the new status")),
                *((value, labels[value]) for value in allowed),
            ]


class ContactForm(DsfrBaseForm):
    channel = forms.ChoiceField(label=_("How"), choices=ContactChannel.choices)
    at = dates.BoundedDateTimeField(
        label=_("When"),
        required=False,
        span=dates.PAST_EVENT,
        error_messages={"too_late": _("A contact cannot be in the future.")},
        help_text=_("Leave empty for now."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    request_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        # Its own ids on the case page, where the appointment and identification-stage forms
        # also have "at" and "note" (a label would name the other form's field).
        kwargs.setdefault("auto_id", "id_contact_%s")
        super().__init__(*args, **kwargs)

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at and at > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return at


class NoteForm(DsfrBaseForm):
    text = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.ChoiceField(label=_("Readable by those who see"), choices=FieldGroup.choices)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            labels = dict(FieldGroup.choices)
            self.fields["group"].choices = [
                (g, labels[g]) for g in FieldGroup.values if g in groups
            ]
        self.fields["group"].initial = FieldGroup.SOCIAL


class SharingBasisForm(DsfrBaseForm):
    """The basis on which something is shared: the person's consent (dated) or a legal basis."""

    basis = forms.ChoiceField(
        label=_("Basis for sharing"), choices=SharingBasis.choices, widget=forms.RadioSelect
    )
    consent_date = dates.BoundedDateField(
        label=_("Consent given on"),
        required=False,
        span=dates.PAST_EVENT,
        error_messages={"too_late": _("The consent date cannot be in the future.")},
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), required=False, choices=[("", "—")] + LegalBasis.choices
    )

    def clean(self):
        data = super().clean()
        basis = data.get("basis")
        if basis == SharingBasis.CONSENT:
            if not data.get("consent_date"):
                self.add_error("consent_date", _("Give the date on which the person consented."))
            elif data["consent_date"] > timezone.localdate():
                self.add_error("consent_date", _("The consent date cannot be in the future."))
        if basis == SharingBasis.LEGAL and not data.get("legal_basis"):
            self.add_error("legal_basis", _("Name the legal basis for sharing without consent."))
        return data


class ParticipantForm(SharingBasisForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(active=True)
    )
    role = forms.ChoiceField(label=_("Role in the case"), choices=ParticipantRole.choices)
    groups = forms.MultipleChoiceField(
        label=_("What it may see"),
        choices=FieldGroup.choices,
        initial=[FieldGroup.IDENTITY],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Share the minimum the organisation needs."),
    )
    field_order = ["organisation", "role", "groups", "basis", "consent_date", "legal_basis"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            # Organisations already taking part stay in the list (choosing one widens what it
            # sees): leaving them out would tell, against the directory, which facility hosts
            # the person to a caseworker who may not know it.
            self.fields["organisation"].queryset = Organisation.objects.filter(active=True).exclude(
                pk=case.referent_org_id
            )


class HandoverForm(SharingBasisForm):
    to_org = forms.ModelChoiceField(label=_("New referent organisation"), queryset=None)
    reason = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation reads this before it sees the case: do not name the person."),
    )
    former_stays = forms.BooleanField(
        label=_("Keep following the social situation after the hand-over"),
        required=False,
        initial=True,
    )
    field_order = ["to_org", "reason", "basis", "consent_date", "legal_basis", "former_stays"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = (
            Organisation.objects.filter(active=True)
            .exclude(kind__in=rules.NOT_REFERENT_KINDS)
            .exclude(pk=case.referent_org_id)
            .order_by("departement", "name")
        )


class HandoverAnswerForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept: become referent")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Why you decline"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why you decline."))
        return data


class TaskForm(DsfrBaseForm):
    title = forms.CharField(label=_("What has to be done"), max_length=500)
    owner_org = forms.ModelChoiceField(label=_("Organisation in charge"), queryset=None)
    due_on = dates.BoundedDateField(label=_("By"), required=False, span=dates.PLANNED)

    def __init__(self, *args, case=None, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.cases.tasks import owner_choices

        self.fields["owner_org"].queryset = owner_choices(case, groups)


class AppointmentForm(DsfrBaseForm):
    at = dates.BoundedDateTimeField(label=_("When"), span=dates.PLANNED)
    purpose = forms.CharField(label=_("What for"), max_length=500)
    place = forms.CharField(
        label=_("Where"),
        required=False,
        max_length=500,
        help_text=_("Shown only to the attending organisations and to those who see the location."),
    )
    # The place's commune (name or postcode): its position is checked against the person's
    # danger zones (``shelter.safety``), never coordinates typed by hand.
    commune = CommuneField(
        label=_("Commune of the place"),
        required=False,
        help_text=_(
            "A name or a postcode, e.g. “Rennes” or “35000”. If given, the place is checked "
            "against the person's danger zones."
        ),
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Who attends"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    override_reason = forms.CharField(
        label=_("Coordinator: why allow a place inside a danger zone"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case=None, groups=None, can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.cases.tasks import owner_choices

        self.fields["attendees"].queryset = owner_choices(case, groups)
        if not can_override:
            del self.fields["override_reason"]
        preselect_single_choices(self)


FACT_UNKNOWN = "unknown"


class FactForm(DsfrBaseForm):
    """``name`` picks the question; ``answer`` is yes/no, a date or a choice (or "unknown")."""

    name = forms.ChoiceField(choices=[(n, n) for n, f in FACTS.items() if not f.derived])
    answer = forms.CharField(max_length=40)

    def clean(self):
        data = super().clean()
        fact = FACTS.get(data.get("name") or "")
        answer = (data.get("answer") or "").strip()
        if fact is None:
            return data
        if answer == FACT_UNKNOWN:
            data["value"] = None
        elif fact.kind == BOOL and answer in ("yes", "no"):
            data["value"] = answer == "yes"
        elif fact.kind == DATE:
            try:
                data["value"] = forms.DateField().clean(answer)
            except forms.ValidationError:
                self.add_error("answer", _("Give a date."))
        elif fact.kind == CHOICE and answer in dict(fact.choices):
            data["value"] = answer
        else:
            self.add_error("answer", _("Choose one of the answers."))
        return data
