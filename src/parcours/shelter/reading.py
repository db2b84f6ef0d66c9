"""What a reader sees of a case's safety and shelter, from its redaction object
(``access.redaction.CaseView``): the dangers and the danger zones (safety group), the placement
requests and their placements, and the ranked places of a request. Pages render these lines,
never the raw assessments, zones, placements or facilities.

Where the person sleeps is told only to readers of the location group: a facility is "a facility
of the network" (or its number in the ranked list, so that a referent without the location
group can still choose) and a place entered by hand is "a place by hand" to everybody else.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from parcours.access.redaction import NETWORK_FACILITY
from parcours.core.geography import departement_name
from parcours.core.groups import FieldGroup
from parcours.shelter import rules as shelter_rules
from parcours.shelter import zones
from parcours.shelter.enums import OPEN, PlacementStatus
from parcours.shelter.models import Placement

# The person's sex as a placement request says it (an unknown sex gives no default).
REQUEST_SEX = {"F", "M", "X"}
MAJORITY = 18


@dataclass(frozen=True)
class RiskLine:
    level: str
    level_label: str
    assessed_at: datetime.datetime
    danger_labels: list[str]

    @property
    def serious(self) -> bool:
        return self.level in ("critical", "high")


@dataclass(frozen=True)
class ZoneLine:
    pk: int
    reason_label: str
    where: str


@dataclass(frozen=True)
class PlacementLine:
    pk: int
    status: str
    status_label: str
    place: str
    decline_label: str
    can_cancel: bool
    can_arrive: bool


@dataclass(frozen=True)
class RequestLine:
    pk: int
    created_at: datetime.datetime
    status_label: str
    placements: list[PlacementLine] = field(default_factory=list)


@dataclass(frozen=True)
class ShelterSection:
    visible: bool
    time_to_safety: datetime.timedelta | None
    time_to_safety_label: str
    can_manage: bool = False
    risk: RiskLine | None = None
    in_danger: bool = False
    zones: list[ZoneLine] = field(default_factory=list)
    requests: list[RequestLine] = field(default_factory=list)


@dataclass(frozen=True)
class RankedPlace:
    pk: int
    label: str
    kind_label: str
    departement: str
    nearest_zone_km: float | None
    travel_km: float | None
    free: int
    stale: bool
    score: float


def risk_line(case) -> RiskLine | None:
    risk = zones.current_risk(case)
    if risk is None:
        return None
    return RiskLine(
        level=risk.level,
        level_label=str(risk.get_level_display()),
        assessed_at=risk.assessed_at,
        danger_labels=risk.danger_labels,
    )


def zone_where(zone) -> str:
    """Where a danger zone is, in words: town, département, point and radius."""
    where = zone.where
    parts = []
    if where.get("town"):
        parts.append(where["town"])
    if where.get("departement"):
        parts.append(departement_name(where["departement"]))
    if where.get("lat") is not None and zone.kind == "point":
        parts.append(f"{where['lat']:.3f}, {where['lon']:.3f}")
    if where.get("radius_km"):
        parts.append(_("radius %(km)s km") % {"km": where["radius_km"]})
    return " — ".join(parts)


def place_label(view, placement) -> str:
    """A facility's name and town say where the person sleeps: shown with the location group."""
    if not view.sees_location:
        return str(NETWORK_FACILITY) if placement.facility_id else _("a place by hand")
    if placement.facility_id:
        facility = placement.facility
        address = f" — {facility.address}" if facility.address else ""
        return f"{facility.name} ({departement_name(facility.departement)}){address}"
    place = placement.manual_place or {}
    where = place.get("town") or departement_name(place.get("departement", ""))
    return f"{place.get('name', '')} ({where})"


def facility_label(view, facility) -> str:
    """A facility of the ranked list: its name with the location group, its number otherwise."""
    if view.sees_location:
        return facility.name
    return _("Facility no. %(n)s") % {"n": facility.pk}


def shelter_section(view) -> ShelterSection:
    """What the case page shows of safety and shelter: dangers and zones with the safety group;
    where the person was placed with the location group."""
    from parcours.shelter import placement as placements

    case = view.case
    delay = placements.time_to_safety(case)
    label = timesince(case.opened_at, case.opened_at + delay) if delay is not None else ""
    if not shelter_rules.can_see_zones(view.actor, case):
        return ShelterSection(visible=False, time_to_safety=delay, time_to_safety_label=label)
    can_manage = shelter_rules.can_manage_safety(view.actor, case)
    placements_of = Prefetch("placements", queryset=Placement.objects.select_related("facility"))
    requests = []
    for request in case.placement_requests.prefetch_related(placements_of):
        rows = [
            PlacementLine(
                pk=p.pk,
                status=p.status,
                status_label=str(p.get_status_display()),
                place=place_label(view, p),
                decline_label=str(p.get_decline_code_display()) if p.decline_code else "",
                can_cancel=can_manage and p.status in OPEN,
                can_arrive=can_manage and p.status == PlacementStatus.ACCEPTED,
            )
            for p in request.placements.all()
        ]
        requests.append(
            RequestLine(
                pk=request.pk,
                created_at=request.created_at,
                status_label=str(request.get_status_display()),
                placements=rows,
            )
        )
    return ShelterSection(
        visible=True,
        time_to_safety=delay,
        time_to_safety_label=label,
        can_manage=can_manage,
        risk=risk_line(case),
        in_danger=zones.in_danger(case),
        zones=[
            ZoneLine(z.pk, str(z.get_reason_display()), zone_where(z))
            for z in zones.active_zones(case)
        ],
        requests=requests,
    )


def ranked_places(view, pairs) -> list[RankedPlace]:
    """The (facility, ranked) pairs of the matching, as this reader may see them: without the
    location group, neither the name nor the département (the one chosen becomes where the
    person sleeps), only its number, its distances and its places."""
    return [
        RankedPlace(
            pk=facility.pk,
            label=facility_label(view, facility),
            kind_label=str(facility.get_kind_display()),
            departement=facility.departement if view.sees_location else "",
            nearest_zone_km=r.nearest_zone_km,
            travel_km=r.travel_km,
            free=facility.free,
            stale=r.stale,
            score=r.score,
        )
        for facility, r in pairs
    ]


def request_defaults(view, today: datetime.date | None = None) -> dict:
    """What a new placement request starts from, taken from what this reader may see of the
    person: whom the place is for (their sex; nothing when it is not known, so that the reader
    chooses), whether a minor (their age today, or a claim not yet decided) and the languages
    they speak. Nothing for a reader who does not see the identity group: the person is not
    even decrypted then."""
    if not view.sees(FieldGroup.IDENTITY):
        return {}
    person = view.case.person
    known = {}
    if person.sex in REQUEST_SEX:
        known["sex"] = person.sex
    from parcours.cases.participants import is_minor

    age = person.age_on(today or timezone.localdate())
    if age is not None or is_minor(view.case, today):  # a claim to be a minor counts
        known["minor"] = is_minor(view.case, today)
    languages = [str(lang).strip() for lang in person.languages or () if str(lang).strip()]
    if languages:
        known["languages"] = ", ".join(languages)
    return known
