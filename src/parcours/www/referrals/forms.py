"""Forms of the referral and consent pages. Every message is translated; the rules themselves
live in ``parcours.referrals`` (these forms only check shape and presence)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.accounts.models import Organisation
from parcours.cases.enums import LegalBasis, SharingBasis
from parcours.core.geography import departement_choices
from parcours.core.groups import FieldGroup
from parcours.referrals.directory import directory_search
from parcours.referrals.enums import (
    REFUSAL_CODES,
    ReferralStatus,
    Requirement,
    ServiceKind,
    Urgency,
)
from parcours.rights.catalogue import catalogue
from parcours.www.common.consent import ConsentRecordForm


class ServiceSearchForm(DsfrBaseForm):
    """Directory search from the case page: a need and a territory, never personal data."""

    kind = forms.ChoiceField(
        label=_("Kind of service"),
        required=False,
        choices=[("", _("All"))] + ServiceKind.choices,
    )
    departement = forms.ChoiceField(
        label=_("Département"), required=False, choices=[("", _("All"))] + departement_choices()
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return f"{service.name} — {service.organisation.name} ({service.get_kind_display()})"


class ReferralForm(DsfrBaseForm):
    service = ServiceChoiceField(
        label=_("Service"), queryset=directory_search(), widget=forms.RadioSelect
    )
    purpose = forms.CharField(
        label=_("Purpose of the referral"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shared_groups = forms.MultipleChoiceField(
        label=_("What is shared"),
        choices=FieldGroup.choices,
        initial=[FieldGroup.IDENTITY],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Share the minimum the organisation needs."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    basis = forms.ChoiceField(
        label=_("Basis for sharing"),
        choices=SharingBasis.choices,
        initial=SharingBasis.CONSENT,
        widget=forms.RadioSelect,
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), required=False, choices=[("", "—")] + LegalBasis.choices
    )
    right = forms.ChoiceField(
        label=_("Right asked for"),
        required=False,
        help_text=_("When the service grants several rights, say which one is asked for."),
    )
    request_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, case=None, services=None, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["right"].choices = [("", "—")] + [
            (right.id, str(right.name)) for right in catalogue()
        ]
        queryset = directory_search() if services is None else services
        if case is not None:
            queryset = queryset.exclude(organisation_id=case.referent_org_id)
        self.fields["service"].queryset = queryset
        if groups is not None:  # only what the sender sees can be shared
            labels = dict(FieldGroup.choices)
            self.fields["shared_groups"].choices = [
                (g, labels[g]) for g in FieldGroup.values if g in groups
            ]

    def clean(self):
        data = super().clean()
        if data.get("basis") == SharingBasis.LEGAL and not data.get("legal_basis"):
            self.add_error("legal_basis", _("Name the legal basis for sharing without consent."))
        return data


class RequirementForm(DsfrBaseForm):
    code = forms.ChoiceField(label=_("It asks for"), choices=Requirement.choices)


class ConsentForm(ConsentRecordForm):
    recipient = forms.ModelChoiceField(
        label=_("Recipient organisation"), queryset=Organisation.objects.filter(active=True)
    )
    purpose = forms.CharField(
        label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["recipient", "purpose", "given_on", "how", "language", "interpreter"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["recipient"].queryset = Organisation.objects.filter(active=True).exclude(
                pk=case.referent_org_id
            )


ANSWER_ACTIONS = [
    ("acknowledge", _("Acknowledge receipt")),
    ("accept", _("Accept")),
    ("refuse", _("Refuse")),
]


class AnswerForm(DsfrBaseForm):
    action = forms.ChoiceField(label=_("Answer"), choices=ANSWER_ACTIONS, widget=forms.RadioSelect)
    refusal_code = forms.ChoiceField(label=_("Reason for refusal"), required=False)
    refusal_text = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refusal_code"].choices = [("", "—")] + REFUSAL_CODES.get(kind, [])

    def clean(self):
        data = super().clean()
        if data.get("action") == "refuse" and not data.get("refusal_code"):
            self.add_error("refusal_code", _("Choose a reason for refusal from the list."))
        return data


class InboxFilterForm(DsfrBaseForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + ReferralStatus.choices
    )
