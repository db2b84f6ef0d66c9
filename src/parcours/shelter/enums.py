"""Shelter vocabularies, as data: dangers, zones, facility kinds, placement states and codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ZoneKind(models.TextChoices):
    DEPARTEMENT = "departement", _("A whole département")
    TOWN = "town", _("A town")
    POINT = "point", _("A point (latitude, longitude)")


class ZoneReason(models.TextChoices):
    RECRUITMENT = "recruitment", _("Place of recruitment")
    EXPLOITATION = "exploitation", _("Place of exploitation")
    EXPLOITERS = "exploiters", _("Where the exploiters live")
    RELATIVES = "relatives", _("Where the exploiters' relatives live")
    OTHER = "other", _("Other danger")


class Danger(models.TextChoices):
    """Immediate dangers recorded at intake; some make the danger critical by themselves."""

    HOUSED_BY_EXPLOITER = "housed_by_exploiter", _("Housed by the exploiter")
    EXPLOITERS_KNOW_LOCATION = (
        "exploiters_know_location",
        _("The exploiters know where the person is"),
    )
    THREATS_TO_FAMILY = "threats_to_family", _("Threats to the family")
    THREATS_TO_PERSON = "threats_to_person", _("Threats or violence against the person")
    DEBT = "debt", _("Debt claimed by the network")
    DOCUMENTS_HELD = "documents_held", _("Identity documents held by the network")
    MINOR_ALONE = "minor_alone", _("A minor without a protective adult")


CRITICAL_DANGERS = frozenset({Danger.HOUSED_BY_EXPLOITER, Danger.EXPLOITERS_KNOW_LOCATION})


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


LEVEL_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2, RiskLevel.CRITICAL: 3}


class FacilityKind(models.TextChoices):
    CHRS = "chrs", _("CHRS (shelter and social rehabilitation centre)")
    EMERGENCY = "emergency", _("Emergency centre")
    HOTEL_115 = "hotel_115", _("Hotel through the 115")
    ACSE_PARTNER = "acse_partner", _("Ac.Sé partner (secure, far from danger)")
    MINORS = "minors", _("Specialised place for minors")


class PlacementStatus(models.TextChoices):
    QUEUED = "queued", _("Next in line")
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


# A proposal holds a place from the moment it is made until it is declined or cancelled.
HOLDING = frozenset({PlacementStatus.PROPOSED, PlacementStatus.ACCEPTED})
OPEN = frozenset({PlacementStatus.QUEUED, PlacementStatus.PROPOSED, PlacementStatus.ACCEPTED})


class DeclineCode(models.TextChoices):
    NO_PLACE = "no_place", _("No place any more")
    PROFILE = "profile", _("Does not match who we accept")
    SECURITY = "security", _("We cannot ensure the person's safety")
    LANGUAGE = "language", _("No one speaks the person's language")
    HEALTH = "health", _("Health needs we cannot meet")
    OTHER = "other", _("Other (explain)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Looking for a place")
    PLACED = "placed", _("Placed")
    CANCELLED = "cancelled", _("Cancelled")
