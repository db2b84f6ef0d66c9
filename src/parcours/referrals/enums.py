"""Referral vocabularies, as data: service kinds, stated requirements, statuses, refusal codes
and answer delays."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    INTERPRETING = "interpreting", _("Interpreting")
    INSERTION = "insertion", _("Insertion (training, work)")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit desk")
    SOCIAL_SUPPORT = "social_support", _("Social support")
    CHILD_WELFARE_YOUNG_ADULT = "child_welfare_young_adult", _("Young adult support (ASE)")
    EMERGENCY_HOUSING_115 = "emergency_housing_115", _("Emergency housing (115)")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance")
    DOMICILIATION = "domiciliation", _("Postal address (domiciliation)")
    HEALTH_ACCESS_PASS = "health_access_pass", _("Free health access point (PASS)")
    ACSE = "acse", _("Ac.Sé national shelter network")
    COMPLAINT = "complaint", _("Complaint (police, gendarmerie)")
    OFII_ALLOWANCE = "ofii_allowance", _("Allowance for victims (ADA, OFII)")
    PROSECUTOR_MINORS = "prosecutor_minors", _("Prosecutor for minors")


class Requirement(models.TextChoices):
    """What a service states it asks for before it takes a person (``Service.required``).

    The rights engine reads these codes to find prerequisites that block each other (housing
    asks for a contract, the contract for health cover, the cover for an address...)."""

    ADDRESS = "address", _("A postal address")
    HEALTH_COVER = "health_cover", _("Health cover")
    RESIDENCE_PERMIT = "residence_permit", _("A residence permit or receipt")
    IDENTITY_DOCUMENT = "identity_document", _("An identity document")
    EMPLOYMENT_CONTRACT = "employment_contract", _("An employment or training contract")
    RESOURCES = "resources", _("Resources")
    MEDICAL_CERTIFICATE = "medical_certificate", _("A medical certificate")
    COMPLAINT_FILED = "complaint_filed", _("A complaint filed")
    HOUSING = "housing", _("Housing")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired without answer")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Waiting for an answer from the recipient: the answer delay runs, the referral may be overdue.
AWAITING_ANSWER = frozenset({ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED})
# Answered by the recipient: a second answer is refused ("already answered").
ANSWERED = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.REFUSED})


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    IMMEDIATE = "immediate", _("Immediate (danger)")


# Refusal reasons; each service kind offers the subset that makes sense for it (below).
REFUSAL_LABELS: dict[str, str] = {
    "no_place": _("No place available"),
    "not_eligible": _("Not eligible"),
    "incomplete_file": _("Incomplete file"),
    "not_in_insertion_pathway": _("Not in an insertion pathway"),
    "criteria_not_met": _("Admission criteria not met"),
    "out_of_territory": _("Outside our territory"),
    "already_followed": _("Already followed elsewhere"),
    "no_interpreter": _("No interpreter available for this language"),
    "age_not_verified": _("Age not established"),
    "no_address": _("No postal address"),
    "other": _("Other (explain)"),
}

_K = ServiceKind
_REFUSAL_CODE_NAMES: dict[str, tuple[str, ...]] = {
    _K.SHELTER: ("no_place", "criteria_not_met", "out_of_territory", "incomplete_file"),
    _K.EMERGENCY_HOUSING_115: ("no_place", "out_of_territory"),
    _K.HEALTH: ("not_eligible", "out_of_territory", "no_interpreter"),
    _K.LEGAL_AID: ("not_eligible", "out_of_territory", "already_followed"),
    _K.INTERPRETING: ("no_interpreter",),
    _K.INSERTION: ("no_place", "not_eligible", "criteria_not_met", "incomplete_file"),
    _K.CHILD_PROTECTION: ("age_not_verified", "not_eligible", "out_of_territory"),
    _K.RESIDENCE_PERMIT: ("incomplete_file", "not_eligible", "no_address"),
    _K.SOCIAL_SUPPORT: ("no_place", "out_of_territory", "already_followed"),
    _K.CHILD_WELFARE_YOUNG_ADULT: (
        "not_in_insertion_pathway",
        "not_eligible",
        "criteria_not_met",
        "incomplete_file",
    ),
    _K.HEALTH_INSURANCE: ("incomplete_file", "no_address", "not_eligible", "criteria_not_met"),
    _K.DOMICILIATION: ("out_of_territory", "not_eligible", "no_place"),
    # A PASS gives care without cover: a refusal for want of cover or papers is not offered.
    _K.HEALTH_ACCESS_PASS: ("out_of_territory", "no_interpreter", "already_followed"),
    # Ac.Sé takes adults in local danger who need distance and fully agree.
    _K.ACSE: ("criteria_not_met", "not_eligible", "no_place"),
    # Police and gendarmerie must take a complaint: the codes record refusals seen in the field,
    # for the rights engine to answer.
    _K.COMPLAINT: ("no_interpreter", "out_of_territory"),
    # ADA: holders of the victim card, 18 or older, with resources below the RSA.
    _K.OFII_ALLOWANCE: ("not_eligible", "criteria_not_met", "incomplete_file"),
    # The prosecutor for minors is told of a child in danger: it may only send it elsewhere.
    _K.PROSECUTOR_MINORS: ("out_of_territory",),
}

# kind -> [(code, label)]; every kind ends with "other", which needs a free-text explanation.
REFUSAL_CODES: dict[str, list[tuple[str, str]]] = {
    kind: [(code, REFUSAL_LABELS[code]) for code in (*codes, "other")]
    for kind, codes in _REFUSAL_CODE_NAMES.items()
}

DEFAULT_ANSWER_DELAY_HOURS = 7 * 24
# Expected answer delay per service kind, in hours from sending; past it a referral is overdue.
ANSWER_DELAY_HOURS: dict[str, int] = {
    **{kind: DEFAULT_ANSWER_DELAY_HOURS for kind in ServiceKind.values},
    _K.EMERGENCY_HOUSING_115: 4,
    _K.CHILD_PROTECTION: 24,
    _K.SHELTER: 48,
    _K.INTERPRETING: 72,
    _K.HEALTH_ACCESS_PASS: 48,
    _K.COMPLAINT: 24,
    _K.ACSE: 5 * 24,  # a weekday line: it assesses the situation, then finds a distant place
    _K.OFII_ALLOWANCE: DEFAULT_ANSWER_DELAY_HOURS,
    _K.PROSECUTOR_MINORS: 24,
}
