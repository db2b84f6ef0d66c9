"""The safe-shelter flow: a placement request, the ranked places, proposals to one facility or
several in order, the facility's answer, the arrival; and places entered by hand.

Lifecycle of a placement (explicit, with a transition log):

    queued -> proposed -> accepted -> arrived
    queued/proposed/accepted -> cancelled;  proposed -> declined (coded reason)

A proposal holds the facility's places from the moment it is made (row lock: of two referents
proposing the last place at once, one gets it, the other is told); a decline or a cancellation
gives them back and the next facility in line is asked. Every place passes the hard safety rule
(``shelter.safety``), judged by its coordinates. A case whose safety nobody has assessed yet
(neither the dangers nor a danger zone recorded: ``zones.needs_assessment``) is neither ranked
nor placed: the referent is asked to assess it first. On acceptance the facility takes part in
the case as its host (identity, location and social groups, on the person's agreement); its
address is then visible to the referent's designated members, the host and the coordinator —
the location group's audience.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.alerts.notify import notify
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import lifecycle as case_lifecycle
from parcours.cases import participants
from parcours.cases.enums import CaseStatus, EventKind, LegalBasis, ParticipantRole
from parcours.cases.models import Case, Participant
from parcours.cases.notices import case_path
from parcours.cases.timeline import add_event
from parcours.core import dates
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from parcours.core.geography import departement_point, departements
from parcours.core.groups import FieldGroup
from parcours.shelter import network, rules, safety
from parcours.shelter.enums import (
    HOLDING,
    OPEN,
    DeclineCode,
    PlacementStatus,
    RequestStatus,
)
from parcours.shelter.models import Facility, Placement, PlacementRequest, PlacementTransition
from parcours.shelter.zones import active_zones, needs_assessment, zone_point

S = PlacementStatus
TRANSITIONS = {
    S.QUEUED: {S.PROPOSED, S.CANCELLED},
    S.PROPOSED: {S.ACCEPTED, S.DECLINED, S.CANCELLED},
    S.ACCEPTED: {S.ARRIVED, S.CANCELLED},
    S.ARRIVED: set(),
    S.DECLINED: set(),
    S.CANCELLED: set(),
}
HOST_GROUPS = [FieldGroup.IDENTITY, FieldGroup.LOCATION, FieldGroup.SOCIAL]
MAX_IN_ORDER = 5


class SafetyNotAssessed(DomainError):
    """Nobody has said yet where the person is in danger: no place can be ranked or given."""


def require_assessment(case) -> None:
    """Refuse to rank or place the person of a case whose safety is not assessed: with no
    danger recorded, "outside every danger zone" would be said of any place, the exploiters'
    street included."""
    if needs_assessment(case):
        raise SafetyNotAssessed(
            _(
                "The person's safety is not assessed yet: record the immediate dangers and the "
                "danger zones (or that there is none) before looking for a place."
            )
        )


# --- requests -----------------------------------------------------------------------------


def create_request(
    actor,
    case: Case,
    *,
    sex: str,
    consent_date: datetime.date,
    minor: bool = False,
    family_size: int = 1,
    pets: bool = False,
    languages=(),
    security_level: int = 0,
    min_distance_km: int | None = None,
    priority: int = 2,
    operation: str = "",
) -> PlacementRequest:
    """Ask for a safe place for the person, who agreed to it on ``consent_date``."""
    if not rules.can_manage_safety(actor, case):
        raise NotAllowed(_("You cannot ask for a safe place on this case."))
    if sex not in ("F", "M", "X"):
        raise DomainError(_("Say whom the place is for."))
    if not 1 <= family_size <= 12:
        raise DomainError(_("Between 1 and 12 people can be placed together."))
    if consent_date is None or consent_date > timezone.localdate():
        raise DomainError(_("Give the date on which the person agreed to be placed."))
    dates.ensure(consent_date, dates.PAST_EVENT)
    if not 1 <= priority <= 3:
        raise DomainError(_("The priority is 1, 2 or 3."))
    if not 0 <= security_level <= 3:
        raise DomainError(_("The security level is between 0 and 3."))
    distance = settings.SAFE_DISTANCE_KM if min_distance_km is None else int(min_distance_km)
    if not 0 <= distance <= 1000:
        raise DomainError(_("The distance from danger is between 0 and 1,000 km."))
    needs = {
        "sex": sex,
        "minor": bool(minor),
        "family_size": int(family_size),
        "pets": bool(pets),
        "languages": sorted({lang.strip().lower() for lang in languages if lang.strip()}),
        "security_level": int(security_level),
    }
    with transaction.atomic():
        request = PlacementRequest.objects.create(
            case=case,
            needs=needs,
            min_distance_km=distance,
            priority=priority,
            consent_date=consent_date,
            operation=operation.strip(),
            created_at=timezone.now(),
            created_by=actor.user,
        )
        record(actor, Action.PLACEMENT_REQUEST, case, groups=[FieldGroup.SAFETY])
    return request


def matching_zones(case):
    from parcours.shelter.matching import Zone

    zones = []
    for zone in active_zones(case):
        lat, lon = zone_point(zone)
        if lat is None:
            continue
        zones.append(
            Zone(
                lat=lat,
                lon=lon,
                radius_km=float(zone.where.get("radius_km") or 0),
                departement=zone.where.get("departement", "") if zone.kind == "departement" else "",
            )
        )
    return tuple(zones)


def origin_of(case):
    """Where the person is now, as far as ranking needs: the referent's département."""
    code = case.referent_org.departement
    return departement_point(code) if code in departements() else None


def needs_of(request: PlacementRequest):
    from parcours.shelter.matching import Needs

    needs = request.needs
    return Needs(
        sex=needs.get("sex", "X"),
        minor=needs.get("minor", False),
        family_size=needs.get("family_size", 1),
        pets=needs.get("pets", False),
        languages=tuple(needs.get("languages", ())),
        min_distance_km=float(request.min_distance_km),
        zones=matching_zones(request.case),
        origin=origin_of(request.case),
        security_level=needs.get("security_level", 0),
    )


def ranked(actor, request: PlacementRequest, *, limit: int = 20):
    """The places to propose, best first, as (facility, ranked) pairs; with the reason codes
    when none fits (``why``). Journaled: it reads the danger zones."""
    from parcours.shelter.matching import rank, why_nothing_fits

    case = request.case
    if not rules.can_manage_safety(actor, case):
        raise NotAllowed(_("You cannot look for a place on this case."))
    require_assessment(case)
    table = network.table()
    needs = needs_of(request)
    results = rank(needs, table, stale_after_hours=network.stale_after_hours(), limit=limit)
    facilities = Facility.objects.in_bulk([r.facility_id for r in results])
    record(actor, Action.PLACEMENT_RANK, case, groups=[FieldGroup.SAFETY])
    pairs = [(facilities[r.facility_id], r) for r in results]
    return pairs, ([] if pairs else why_nothing_fits(needs, table))


# --- moves ----------------------------------------------------------------------------------


def _move(actor, placement: Placement, to_status: str, *, note: str = "", **changes):
    if to_status not in TRANSITIONS[placement.status]:
        raise StaleVersion(
            _("This placement is already %(status)s.")
            % {"status": S(placement.status).label.lower()}
        )
    previous = placement.status
    placement.status = to_status
    placement.version += 1
    for name, value in changes.items():
        setattr(placement, name, value)
    placement.save(update_fields=["status", "version", *changes])
    PlacementTransition.objects.create(
        placement=placement,
        from_status=previous,
        to_status=to_status,
        at=timezone.now(),
        by_user=actor.user if actor else None,
        by_org=actor.organisation if actor else None,
        note=note,
    )
    record(
        actor,
        Action.PLACEMENT_STATUS,
        placement.case,
        groups=[FieldGroup.LOCATION],
        reason=f"{placement.pk}:{previous}>{to_status}",
    )
    return placement


def _lock(placement: Placement, expected_version=None) -> Placement:
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("facility", "request", "case__referent_org")
        .get(pk=placement.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _("This placement was changed meanwhile. Reload the page and try again.")
        )
    return locked


def _place_of(facility: Facility) -> safety.Place:
    return safety.Place(
        departement=facility.departement, lat=facility.lat, lon=facility.lon, label=facility.name
    )


def open_placements(request: PlacementRequest):
    return request.placements.filter(status__in=OPEN)


def propose(actor, request: PlacementRequest, facilities, *, override_reason: str = ""):
    """Propose the person to ``facilities`` in order: the first is asked now (its places held),
    the others wait their turn. Each is checked against the danger zones first."""
    case = request.case
    if not rules.can_manage_safety(actor, case):
        raise NotAllowed(_("You cannot propose a place on this case."))
    facilities = list(facilities)
    if not facilities:
        raise DomainError(_("Choose at least one facility."))
    if len(facilities) > MAX_IN_ORDER:
        raise DomainError(_("Propose to %(n)d facilities at most.") % {"n": MAX_IN_ORDER})
    if len({f.pk for f in facilities}) != len(facilities):
        raise DomainError(_("The same facility is chosen twice."))
    require_assessment(case)
    places = request.needs.get("family_size", 1)
    with transaction.atomic():
        request = PlacementRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.OPEN:
            raise DomainError(_("This request is no longer looking for a place."))
        if open_placements(request).exists():
            raise DomainError(
                _("A proposal is already under way for this request: cancel it first.")
            )
        for facility in facilities:
            if not facility.active:
                raise DomainError(_("One of the facilities chosen is closed."))
            safety.enforce(
                actor,
                case,
                _place_of(facility),
                what=f"placement:{facility.pk}",
                override_reason=override_reason,
            )
        now = timezone.now()
        created = []
        for order, facility in enumerate(facilities, start=1):
            created.append(
                Placement.objects.create(
                    request=request,
                    case=case,
                    facility=facility,
                    order=order,
                    status=S.QUEUED,
                    places=places,
                    override_reason=override_reason.strip(),
                    overridden_by=actor.user if override_reason.strip() else None,
                    created_at=now,
                    created_by=actor.user,
                )
            )
        _ask_next(actor, request)
    return list(Placement.objects.filter(pk__in=[p.pk for p in created]).order_by("order"))


def _ask_next(actor, request: PlacementRequest):
    """Ask the next facility in line, holding its places; one that has no place left is
    skipped (cancelled with the reason). Returns the placement asked, if any."""
    for placement in request.placements.filter(status=S.QUEUED).order_by("order"):
        placement = _lock(placement)
        if _now_in_danger(placement):
            _move(actor, placement, S.CANCELLED, note=_("Now inside a danger zone."))
            continue
        try:
            network.hold(placement.facility, placement.places)
        except DomainError as error:
            _move(actor, placement, S.CANCELLED, note=error.message)
            continue
        _move(actor, placement, S.PROPOSED)
        notify(
            "placement_proposed",
            placement.facility.organisation,
            ref=placement.case.ref,
            link=reverse("placement_inbox"),
            dedup_key=f"placement:{placement.pk}:proposed",
        )
        return placement
    return None


def _now_in_danger(placement: Placement) -> bool:
    """Zones change while a proposal waits: a place asked later is checked again (a
    coordinator's written override, recorded with the proposal, still stands)."""
    if placement.override_reason:
        return False
    return bool(safety.violations(placement.case, _place_of(placement.facility)))


def answer(
    actor, placement: Placement, *, accept: bool, code: str = "", text: str = "", expected_version
):
    """The facility accepts or declines (with a coded reason; "other" needs text)."""
    if not rules.can_answer(actor, placement):
        raise NotAllowed(_("Only the facility asked can answer."))
    if not accept:
        if code not in DeclineCode.values:
            raise DomainError(_("Choose a reason for declining."))
        if code == DeclineCode.OTHER and not text.strip():
            raise DomainError(_("Explain the reason for declining."))
    with transaction.atomic():
        placement = _lock(placement, expected_version)
        case = placement.case
        if accept:
            if _now_in_danger(placement):
                raise safety.DangerZoneViolation(
                    _(
                        "This place is now inside one of the person's danger zones: the "
                        "referent has been asked to propose another."
                    )
                )
            _move(actor, placement, S.ACCEPTED)
            _join_as_host(actor, placement)
            notify("placement_accepted", case.referent_org, ref=case.ref, link=case_path(case))
        else:
            _move(
                actor,
                placement,
                S.DECLINED,
                decline_code=code,
                decline_text=text.strip(),
            )
            network.release(placement.facility, placement.places)
            notify("placement_declined", case.referent_org, ref=case.ref, link=case_path(case))
            _ask_next(actor, placement.request)
    return placement


def _join_as_host(actor, placement: Placement) -> Participant:
    """The facility's organisation takes part as the host (an existing participation is
    widened, and given back when the host role ends), through the one writer of access. The
    referent asked for the place with the person's consent; for a minor, placing is child
    protection and so is the sharing."""
    case = placement.case
    if participants.is_minor(case):
        basis = participants.Basis.legal(LegalBasis.CHILD_PROTECTION)
    else:
        basis = participants.Basis.consent(placement.request.consent_date)
    return participants.grant(
        actor,
        case,
        placement.facility.organisation,
        role=ParticipantRole.SHELTER,
        groups=HOST_GROUPS,
        basis=basis,
        journal_reason=f"{basis.journal_reason}:host",
    )


def record_arrival(actor, placement: Placement, *, at=None, expected_version=None):
    """The person arrived: the request is met and the case is in safety."""
    if not rules.can_record_arrival(actor, placement):
        raise NotAllowed(_("Only the host facility or the referent can record the arrival."))
    now = timezone.now()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        raise DomainError(_("An arrival cannot be in the future."))
    dates.ensure(at, dates.PAST_EVENT)
    with transaction.atomic():
        placement = _lock(placement, expected_version)
        if placement.status == S.PROPOSED and placement.facility_id is None:
            _move(actor, placement, S.ACCEPTED)
        _move(actor, placement, S.ARRIVED, arrived_at=at)
        request = placement.request
        request.status = RequestStatus.PLACED
        request.version += 1
        request.save(update_fields=["status", "version"])
        case = Case.objects.select_for_update().get(pk=placement.case_id)
        add_event(
            case,
            actor,
            EventKind.PLACEMENT,
            at=at,
            group=FieldGroup.LOCATION,
            data={"step": "arrived", "placement": placement.pk},
        )
        if CaseStatus.IN_SAFETY in case_lifecycle.TRANSITIONS.get(case.status, ()):
            case_lifecycle.apply_move(
                case, CaseStatus.IN_SAFETY, actor, reason=_("Arrived in a safe place."), system=True
            )
        if actor.organisation_id != case.referent_org_id:
            notify("placement_arrived", case.referent_org, ref=case.ref, link=case_path(case))
    return placement


def cancel(actor, placement: Placement, *, note: str = ""):
    """The referent (or the case's coordinator) takes a proposal back; its places are freed and
    the next facility in line is asked."""
    if not rules.can_manage_safety(actor, placement.case):
        raise NotAllowed(_("You cannot cancel this placement."))
    with transaction.atomic():
        placement = _lock(placement)
        was_accepted = placement.status == S.ACCEPTED
        held = placement.status in HOLDING and placement.facility_id is not None
        _move(actor, placement, S.CANCELLED, note=note)
        if held:
            network.release(placement.facility, placement.places)
        if was_accepted and placement.facility_id is not None:
            _end_host(actor, placement)
        if placement.request.status == RequestStatus.OPEN:
            _ask_next(actor, placement.request)
    return placement


def _end_host(actor, placement: Placement) -> None:
    """A facility whose acceptance is cancelled stops seeing the case from its next request
    (it must not learn where the person goes instead), unless it hosts them elsewhere."""
    organisation = placement.facility.organisation
    still_hosting = (
        Placement.objects.filter(
            case=placement.case,
            facility__organisation=organisation,
            status__in=[S.ACCEPTED, S.ARRIVED],
        )
        .exclude(pk=placement.pk)
        .exists()
    )
    if still_hosting:
        return
    for participation in placement.case.participants.filter(
        organisation=organisation, active=True, role=ParticipantRole.SHELTER
    ):
        participants.end(actor, participation, reason="host:cancelled")


def propose_by_hand(
    actor,
    request: PlacementRequest,
    *,
    name: str,
    departement: str,
    town: str = "",
    lat=None,
    lon=None,
    override_reason: str = "",
) -> Placement:
    """A place offered outside the network (typically the 115/SIAO), entered by hand. It is
    checked against the danger zones like any other (S2: a proposal in the same town is
    refused); the person may then arrive there."""
    case = request.case
    if not rules.can_manage_safety(actor, case):
        raise NotAllowed(_("You cannot record a place on this case."))
    if not name.strip() or not (departement or lat is not None):
        raise DomainError(_("Give the place's name and its département."))
    require_assessment(case)
    # With a point, the point decides the département (a number typed that disagrees is
    # refused); without one, the département given decides, a town's included.
    checked = safety.checked_place(departement, lat, lon, label=name.strip())
    place = {
        "name": name.strip(),
        "departement": checked.departement,
        "town": town.strip(),
        "lat": checked.lat,
        "lon": checked.lon,
    }
    with transaction.atomic():
        request = PlacementRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.OPEN:
            raise DomainError(_("This request is no longer looking for a place."))
        if open_placements(request).exists():
            raise DomainError(
                _("A proposal is already under way for this request: cancel it first.")
            )
        safety.enforce(
            actor, case, checked, what="placement:by_hand", override_reason=override_reason
        )
        placement = Placement.objects.create(
            request=request,
            case=case,
            manual_place=place,
            status=S.QUEUED,
            places=request.needs.get("family_size", 1),
            override_reason=override_reason.strip(),
            overridden_by=actor.user if override_reason.strip() else None,
            created_at=timezone.now(),
            created_by=actor.user,
        )
        _move(actor, placement, S.PROPOSED)
        _move(actor, placement, S.ACCEPTED)
    return placement


def proposals_for(actor):
    """Placements asked of the actor's facilities (to answer) and accepted ones (arrivals)."""
    if actor is None or actor.membership is None or actor.role not in rules.FACILITY_ROLES:
        return Placement.objects.none()
    return Placement.objects.filter(
        facility__organisation_id=actor.organisation_id,
        status__in=[S.PROPOSED, S.ACCEPTED],
    ).select_related("facility", "case", "request")


def time_to_safety(case) -> datetime.timedelta | None:
    """From the first contact (the case's opening) to the first arrival in a safe place."""
    first = (
        case.placements.filter(status=S.ARRIVED, arrived_at__isnull=False)
        .order_by("arrived_at")
        .values_list("arrived_at", flat=True)
        .first()
    )
    if first is None:
        return None
    return max(datetime.timedelta(0), first - case.opened_at)
