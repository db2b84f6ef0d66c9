"""The safe-shelter flow: a placement request, proposals to one facility or several in order,
the facility's answer, the arrival; and places entered by hand. The ranked places to propose
come from ``shelter.ranking``; the host's participation in the case, from ``shelter.hosting``.

Lifecycle of a placement (explicit, with a transition log):

    queued -> proposed -> accepted -> arrived
    queued/proposed/accepted -> cancelled;  proposed -> declined (coded reason)

A proposal holds the facility's places from the moment it is made (row lock: of two referents
proposing the last place at once, one gets it, the other is told); a decline or a cancellation
gives them back and the next facility in line is asked. Every place passes the hard safety rule
(``shelter.safety``), judged by its coordinates. A case whose safety nobody has assessed yet
(neither the dangers nor a danger zone recorded: ``zones.needs_assessment``) is neither ranked
nor placed: the referent is asked to assess it first. On acceptance the facility takes part in
the case as its host (identity, location and social groups, on the person's agreement:
``hosting``); its address is then visible to the referent's designated members, the host and
the coordinator — the location group's audience.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.alerts.notify import notify
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import lifecycle as case_lifecycle
from parcours.cases.enums import CaseStatus, EventKind
from parcours.cases.models import Case
from parcours.cases.timeline import add_event
from parcours.core import concurrency, dates, workflow
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from parcours.core.groups import FieldGroup
from parcours.shelter import hosting, network, rules, safety
from parcours.shelter.enums import (
    HOLDING,
    OPEN,
    DeclineCode,
    PlacementStatus,
    RequestStatus,
)
from parcours.shelter.models import Facility, Placement, PlacementRequest, PlacementTransition
from parcours.shelter.zones import needs_assessment

S = PlacementStatus
TRANSITIONS = {
    S.QUEUED: {S.PROPOSED, S.CANCELLED},
    S.PROPOSED: {S.ACCEPTED, S.DECLINED, S.CANCELLED},
    S.ACCEPTED: {S.ARRIVED, S.CANCELLED},
    S.ARRIVED: set(),
    S.DECLINED: set(),
    S.CANCELLED: set(),
}
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
    """Ask for a safe place for the person, who agreed to it on ``consent_date``, at least
    ``min_distance_km`` from every danger zone (the service's ``SAFE_DISTANCE_KM`` unless
    given; less only for a coordinator of the case: ``rules.can_lower_safe_distance``)."""
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
    if distance < settings.SAFE_DISTANCE_KM and not rules.can_lower_safe_distance(actor, case):
        raise NotAllowed(
            _(
                "The distance from danger cannot be less than %(km)d km: only a coordinator "
                "of the case can lower it."
            )
            % {"km": settings.SAFE_DISTANCE_KM}
        )
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


# --- moves ----------------------------------------------------------------------------------


def _move(actor, placement: Placement, to_status: str, *, note: str = "", **changes):
    if to_status not in TRANSITIONS[placement.status]:
        raise StaleVersion(
            _("This placement is already %(status)s.")
            % {"status": S(placement.status).label.lower()}
        )
    previous = workflow.move(
        placement,
        to_status,
        log=PlacementTransition,
        subject="placement",
        actor=actor,
        note=note,
        changes=changes,
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
    return concurrency.lock(
        Placement.objects.select_related("facility", "request", "case__referent_org"),
        placement.pk,
        expected_version,
        stale=_("This placement was changed meanwhile. Reload the page and try again."),
        of=("self",),
    )


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
            link=placement.get_absolute_url(),
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
            hosting.join_as_host(actor, placement)
            notify(
                "placement_accepted", case.referent_org, ref=case.ref, link=case.get_absolute_url()
            )
        else:
            _move(
                actor,
                placement,
                S.DECLINED,
                decline_code=code,
                decline_text=text.strip(),
            )
            network.release(placement.facility, placement.places)
            notify(
                "placement_declined", case.referent_org, ref=case.ref, link=case.get_absolute_url()
            )
            _ask_next(actor, placement.request)
    return placement


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
        request.save(update_fields=["status", *concurrency.bump(request)])
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
            notify(
                "placement_arrived", case.referent_org, ref=case.ref, link=case.get_absolute_url()
            )
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
            hosting.end_host(actor, placement)
        if placement.request.status == RequestStatus.OPEN:
            _ask_next(actor, placement.request)
    return placement


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
