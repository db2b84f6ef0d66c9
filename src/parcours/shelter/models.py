"""Safe shelter: the person's dangers and danger zones, the shelter network and its
availability, placement requests and placements (see ADR 0009).

What is secret is encrypted: danger zones and risk details (safety group), facility addresses
and hand-entered places (location group), a request's needs. A facility's département and
approximate point stay in clear for ranking (they are not its address; see the ADR).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.core.fields import EncryptedJSONField, EncryptedTextField
from parcours.core.models import TransitionLog
from parcours.shelter.enums import (
    Danger,
    DeclineCode,
    FacilityKind,
    PlacementStatus,
    RequestStatus,
    RiskLevel,
    ZoneKind,
    ZoneReason,
)


class RiskAssessment(models.Model):
    """The immediate dangers and a level, assessed at intake and again when things change; the
    latest one is the current one. Safety group."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="risk_assessments"
    )
    dangers = EncryptedJSONField(_("immediate dangers"), default=list)
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    note = EncryptedTextField(_("note"), blank=True, default="")
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by_org = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-assessed_at", "-pk"]

    def __str__(self):
        return f"risk {self.case_id} {self.level}"

    @property
    def danger_labels(self) -> list[str]:
        labels = dict(Danger.choices)
        return [str(labels.get(code, code)) for code in self.dangers]


class DangerZone(models.Model):
    """A place the person must be kept away from. Safety group: where it is (``where``: kind,
    département, town, point, radius) is encrypted; the reason is a code."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="danger_zones")
    kind = models.CharField(max_length=12, choices=ZoneKind.choices)
    reason = models.CharField(_("why"), max_length=16, choices=ZoneReason.choices)
    # {"departement": "06", "town": "Grasse", "lat": 43.66, "lon": 6.92, "radius_km": 30}
    where = EncryptedJSONField(default=dict)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"zone {self.pk} {self.kind}"


class Facility(models.Model):
    """A shelter: its organisation's staff keep its availability up to date.

    The address is in the location group (never shown to those without it). ``free`` places
    and ``availability_at`` are the latest update, kept with the capacity in one row so that a
    proposal and an update lock the same row: ``0 <= free <= capacity`` always.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="facilities"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=FacilityKind.choices)
    address = EncryptedTextField(_("address"), blank=True, default="")
    departement = models.CharField(_("département"), max_length=3)
    # Approximate point (2 decimals, about a kilometre) used to rank; not the address.
    lat = models.FloatField()
    lon = models.FloatField()
    capacity = models.PositiveIntegerField(_("capacity"))
    free = models.PositiveIntegerField(_("free places"), default=0)
    availability_at = models.DateTimeField(_("availability updated"), null=True, blank=True)
    accepts_women = models.BooleanField(_("accepts women"), default=True)
    accepts_men = models.BooleanField(_("accepts men"), default=True)
    accepts_minors = models.BooleanField(_("accepts minors"), default=False)
    accepts_adults = models.BooleanField(_("accepts adults"), default=True)
    families = models.BooleanField(_("accepts families"), default=False)
    pets = models.BooleanField(_("accepts pets"), default=False)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    security_level = models.PositiveSmallIntegerField(_("security level"), default=1)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["departement", "name"]
        verbose_name_plural = _("facilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(free__lte=models.F("capacity")), name="facility_free_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(security_level__lte=3), name="facility_security_level_0_3"
            ),
        ]

    def __str__(self):
        return self.name


class AvailabilityUpdate(models.Model):
    """Each availability update, by whom and when (the history behind ``Facility.free``)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="updates")
    free = models.PositiveIntegerField()
    at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=10, default="page")  # "page", "api", "placement"

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.facility_id} {self.free} {self.at:%Y-%m-%d %H:%M}"


class PlacementRequest(models.Model):
    """A case's request for a safe place: the person's needs (encrypted), the distance to keep
    from every danger zone, a priority for batch allocation, and the person's agreement."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="placement_requests"
    )
    # {"sex": "F", "minor": false, "family_size": 1, "pets": false, "languages": [...],
    #  "security_level": 0}
    needs = EncryptedJSONField(default=dict)
    min_distance_km = models.PositiveIntegerField(_("minimum distance from danger (km)"))
    priority = models.PositiveSmallIntegerField(_("priority"), default=2)
    consent_date = models.DateField(_("the person agreed on"))
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default="open")
    operation = models.CharField(_("operation"), max_length=60, blank=True, default="")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"request {self.pk} {self.status}"


class Placement(models.Model):
    """A place proposed for a request: to a facility of the network, or a place entered by hand
    (a 115/SIAO proposal outside the network, ``manual_place``, location group). Explicit
    lifecycle (``shelter.placement``) with its transition log."""

    request = models.ForeignKey(
        PlacementRequest, on_delete=models.CASCADE, related_name="placements"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="placements")
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    # {"name": ..., "departement": "06", "town": "Grasse", "lat": ..., "lon": ...}
    manual_place = EncryptedJSONField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=PlacementStatus.choices)
    places = models.PositiveSmallIntegerField(default=1)  # the family size it holds
    decline_code = models.CharField(
        max_length=12, choices=DeclineCode.choices, blank=True, default=""
    )
    decline_text = EncryptedTextField(blank=True, default="")
    override_reason = EncryptedTextField(blank=True, default="")
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    arrived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["request", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(facility__isnull=False) | Q(manual_place__isnull=False),
                name="placement_has_a_place",
            ),
            models.CheckConstraint(
                condition=~Q(status="arrived") | Q(arrived_at__isnull=False),
                name="placement_arrival_dated",
            ),
        ]

    def __str__(self):
        return f"placement {self.pk} {self.status}"

    def get_absolute_url(self) -> str:
        """The placement as its facility answers it: in the facility's inbox."""
        return reverse("placement_inbox")


class PlacementTransition(TransitionLog):
    """The log of a placement's moves."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        pass

    def __str__(self):
        return f"{self.placement_id} {self.from_status}>{self.to_status}"


class DangerZoneRefusal(models.Model):
    """A place refused because it lies inside one of the person's danger zones (S2: the 115's
    proposal in her own town), kept although the action was not: someone tried to send her
    where she is in danger, which the alerts raise (``alerts.rules.danger_zone_attempt``).
    ``what`` says what was tried (``placement:<facility id>``, ``placement:by_hand``), never
    where."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("place refused inside a danger zone")

    def __str__(self):
        return f"{self.case_id} {self.what}"
