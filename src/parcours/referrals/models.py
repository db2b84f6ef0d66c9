"""The service directory, referrals (orientations) with their transition log, and consents."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.cases.enums import LegalBasis, SharingBasis
from parcours.core.fields import EncryptedTextField
from parcours.core.geography import departement_name
from parcours.core.groups import MINIMUM_GROUPS, FieldGroup, sorted_groups
from parcours.core.models import ConsentRecord, FreshReference, TransitionLog
from parcours.core.refs import new_reference
from parcours.referrals.enums import ReferralStatus, Requirement, ServiceKind, Urgency


def new_referral_ref() -> str:
    return new_reference("R")


def minimum_groups() -> list[str]:
    return sorted_groups(MINIMUM_GROUPS)


def validate_requirements(value) -> None:
    """A service's stated requirements: a list of known ``Requirement`` codes, each once.

    The database cannot check what is inside a JSON list, so this runs in ``full_clean`` (forms,
    admin) and in every loader that writes the field (the demo)."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("The requirements must be a list of codes."), code="invalid")
    unknown = [code for code in value if code not in Requirement.values]
    if unknown:
        raise ValidationError(
            _("Unknown requirement: %(codes)s."),
            code="unknown_requirement",
            params={"codes": ", ".join(unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each requirement is listed once."), code="duplicate")


class Service(models.Model):
    """A service an organisation offers, published in the directory.

    Any caseworker may search the directory (it holds no personal data); the organisation's
    managers keep it up to date (pages come later). ``territory`` lists the départements served;
    an empty list means national. Only active services receive referrals. ``required`` holds
    what it states it asks for as ``Requirement`` codes (shown as labels in the directory, read
    by the rights engine), ``requirements`` the same in its own words.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="services"
    )
    kind = models.CharField(_("kind of service"), max_length=32, choices=ServiceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    territory = models.JSONField(_("départements served"), default=list, blank=True)
    accepts = models.CharField(_("who it accepts"), max_length=300, blank=True)
    requirements = models.TextField(_("what it asks for"), blank=True)
    # The same, as codes the rights engine can reason on (``Requirement``); the free text above
    # says it in the service's own words.
    required = models.JSONField(
        _("stated requirements"), default=list, blank=True, validators=[validate_requirements]
    )
    contact_route = models.TextField(_("how to reach it"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ServiceKind.values), name="service_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_national(self) -> bool:
        return not self.territory

    @property
    def territory_label(self) -> str:
        """The names of the départements served, or "National" for a national service."""
        if self.is_national:
            return str(_("National"))
        return ", ".join(departement_name(code) for code in self.territory)

    @property
    def requirement_labels(self) -> list[str]:
        """The stated requirements in the reader's language, in the order the service gives."""
        labels = dict(Requirement.choices)
        return [str(labels[code]) for code in self.required if code in labels]


class Consent(ConsentRecord):
    """The person's consent to share with one recipient organisation for one purpose.

    Recorded by the referent (the person gave it to them), with how, in which language and
    through which interpreter. Revocable at any time: withdrawal ends the recipient's
    consent-based participation from its next request on (``referrals.consent``). The purpose
    may reveal health or legal matters, the language and interpreter the person's origin: all
    three are encrypted (the length limits of language and interpreter, 60 and 200, are the
    form's).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    recipient = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="consents_received"
    )
    purpose = EncryptedTextField(_("purpose"))
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="consent_withdrawal_complete",
            ),
        ]

    def __str__(self):
        return f"consent {self.case_id} → {self.recipient_id} ({self.given_on})"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The referrals ``actor`` may see (``parcours.referrals.visibility``)."""
        from parcours.referrals.visibility import visible_referrals

        return visible_referrals(actor, self)


class Referral(FreshReference, models.Model):
    """An orientation of a case to a service of another organisation.

    The referent's caseworkers and managers create, send and withdraw it; the receiving
    organisation's caseworkers and managers acknowledge, accept or refuse it (with a coded
    reason). The status moves only through ``parcours.referrals.lifecycle``, which writes the
    transition log; ``version`` makes a second, concurrent answer fail. Before accepting, the
    recipient sees the purpose, urgency, service and the list of shared groups, not the person's
    data: acceptance makes it a participant seeing exactly ``shared_groups``.
    """

    REF_PREFIX = "R"

    ref = models.CharField(max_length=12, unique=True, default=new_referral_ref, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    from_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    purpose = EncryptedTextField(_("purpose"))
    shared_groups = models.JSONField(_("shared groups"), default=minimum_groups)
    # The right of the rights catalogue asked for, when the caseworker says so (a prefecture
    # grants several): its verdict follows this referral. Empty: every right of the kind the
    # person may hold (``parcours.rights.services.statuses_for``).
    right = models.CharField(_("right asked for"), max_length=40, blank=True, default="")
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    refusal_code = models.CharField(_("reason for refusal"), max_length=32, blank=True)
    refusal_text = EncryptedTextField(_("explanation"), blank=True, default="")
    basis = models.CharField(_("basis"), max_length=8, choices=SharingBasis.choices)
    legal_basis = models.CharField(
        _("legal basis"), max_length=32, choices=LegalBasis.choices, blank=True
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    request_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=ReferralStatus.REFUSED) & ~Q(refusal_code=""))
                | (~Q(status=ReferralStatus.REFUSED) & Q(refusal_code="")),
                name="referral_refusal_code_iff_refused",
            ),
            models.CheckConstraint(
                condition=(Q(basis=SharingBasis.LEGAL) & ~Q(legal_basis=""))
                | (Q(basis=SharingBasis.CONSENT) & Q(legal_basis="")),
                name="referral_legal_basis_iff_legal",
            ),
            models.CheckConstraint(
                # A withdrawn referral may never have been sent (withdrawn draft).
                condition=Q(status__in=[ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN])
                | Q(sent_at__isnull=False),
                name="referral_sent_at_once_sent",
            ),
        ]

    def __str__(self):
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("referral_detail", kwargs={"ref": self.ref})

    def refusal_label(self) -> str:
        """The refusal reason in the reader's language."""
        from parcours.referrals.enums import REFUSAL_LABELS

        return str(REFUSAL_LABELS.get(self.refusal_code, self.refusal_code))

    def group_labels(self) -> list[str]:
        labels = dict(FieldGroup.choices)
        return [str(labels[group]) for group in self.shared_groups if group in labels]


class ReferralTransition(TransitionLog):
    """The log of a referral's status changes: who moved it (user and organisation; none for a
    system move such as expiry), from what, to what, when, with an optional note."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)

    class Meta(TransitionLog.Meta):
        pass
