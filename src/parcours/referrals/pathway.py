"""The pathway by domain: for each domain of a person's life (safety, shelter, health, legal and
immigration, justice, income, insertion, education, family), where each orientation stands.

Shown on the case page to everyone who takes part in the case. Each domain is gated by the field
group that covers it (health by ``health``, justice by ``justice``, ...): a participant who does
not see the group sees that the domain exists, not what is in it. In the shelter domain the
receiving organisation is itself a place where the person may sleep, so it is named only to
those who see the location. Drafts are the sender's business and are not shown.
"""

from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from parcours.core.groups import FieldGroup
from parcours.referrals.enums import ReferralStatus, ServiceKind

K = ServiceKind

# domain code -> (label, field group that gates it, service kinds it gathers)
DOMAINS = {
    "safety": (_("Safety"), FieldGroup.SAFETY, ()),
    "shelter": (
        _("Shelter"),
        FieldGroup.SOCIAL,
        (K.SHELTER, K.EMERGENCY_HOUSING_115, K.ACSE),
    ),
    "health": (
        _("Health"),
        FieldGroup.HEALTH,
        (K.HEALTH, K.HEALTH_INSURANCE, K.HEALTH_ACCESS_PASS),
    ),
    "legal": (
        _("Legal and immigration"),
        FieldGroup.IMMIGRATION,
        (K.LEGAL_AID, K.RESIDENCE_PERMIT, K.INTERPRETING),
    ),
    "justice": (_("Justice"), FieldGroup.JUSTICE, (K.COMPLAINT,)),
    "income": (
        _("Income and social rights"),
        FieldGroup.SOCIAL,
        (K.SOCIAL_SUPPORT, K.DOMICILIATION, K.OFII_ALLOWANCE),
    ),
    "insertion": (_("Insertion"), FieldGroup.SOCIAL, (K.INSERTION,)),
    "education": (_("Education"), FieldGroup.SOCIAL, ()),
    "family": (
        _("Family and child protection"),
        FieldGroup.SOCIAL,
        (K.CHILD_PROTECTION, K.CHILD_WELFARE_YOUNG_ADULT, K.PROSECUTOR_MINORS),
    ),
}
DOMAIN_OF_KIND = {kind: code for code, (_l, _g, kinds) in DOMAINS.items() for kind in kinds}
LOCATION_DOMAINS = {"shelter"}


@dataclass
class Step:
    """One orientation as the pathway shows it."""

    ref: str
    kind: str
    organisation: str | None  # None: not named to this reader
    status: str
    status_label: str
    since: object  # when it reached its status


@dataclass
class Domain:
    code: str
    label: str
    visible: bool
    steps: list[Step] = field(default_factory=list)


def pathway(case, groups, recipient_label=None) -> list[Domain]:
    """Every domain in order, each with the referrals of ``case`` a reader with ``groups``
    may see in it (newest first). ``recipient_label(referral)`` names the recipient for this
    reader (the redaction object's); without it, a shelter-domain recipient is named only with
    the location group."""
    labels = dict(ServiceKind.choices)
    referrals = (
        case.referrals.exclude(status=ReferralStatus.DRAFT)
        .select_related("service", "to_org")
        .annotate(moved_at=Max("transitions__at"))
        .order_by("-created_at", "-pk")
    )
    domains = {
        code: Domain(code, str(label), group in groups)
        for code, (label, group, _k) in DOMAINS.items()
    }
    for referral in referrals:
        domain = domains.get(DOMAIN_OF_KIND.get(referral.service.kind, "income"))
        if not domain.visible:
            continue
        if recipient_label is not None:
            organisation = recipient_label(referral)
        elif domain.code not in LOCATION_DOMAINS or FieldGroup.LOCATION in groups:
            organisation = referral.to_org.name
        else:
            organisation = None
        domain.steps.append(
            Step(
                ref=referral.ref,
                kind=str(labels.get(referral.service.kind, referral.service.kind)),
                organisation=organisation,
                status=referral.status,
                status_label=str(ReferralStatus(referral.status).label),
                since=referral.moved_at or referral.created_at,
            )
        )
    return list(domains.values())
