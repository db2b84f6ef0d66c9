"""Batch allocation for a coordinator (S4): the open placement requests of the cases they
coordinate, against the current national availability, solved exactly
(``shelter.matching.allocate``: the most priority-weighted people placed, ties broken by
shorter travel, no constraint ever broken), then proposed to the facilities chosen.

The result is computed again when it is applied and proposed only if it is the one the
coordinator saw; otherwise the new result is shown to be checked. A place taken meanwhile by
another proposal is reported, never double-booked.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.access.scopes import visible_cases
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup
from parcours.shelter import network, placement, ranking, zones
from parcours.shelter import rules as shelter_rules
from parcours.shelter.enums import OPEN, RequestStatus
from parcours.shelter.models import Facility, Placement, PlacementRequest


@dataclass
class Line:
    request: PlacementRequest
    facility: Facility | None
    reason: str  # code when not placed
    outcome: str = ""  # after applying: "proposed" or the refusal message


def can_allocate(actor) -> bool:
    return rules.is_coordinator(actor)


def pending_requests(actor, operation: str = ""):
    """Open requests without a proposal under way, on cases the actor coordinates."""
    if not can_allocate(actor):
        return PlacementRequest.objects.none()
    under_way = Placement.objects.filter(request=OuterRef("pk"), status__in=OPEN)
    requests = (
        PlacementRequest.objects.filter(
            status=RequestStatus.OPEN, case__in=visible_cases(actor).values("pk")
        )
        .exclude(Exists(under_way))
        .select_related("case", "case__referent_org")
        .order_by("-priority", "created_at")
    )
    if operation:
        requests = requests.filter(operation=operation)
    return [r for r in requests if shelter_rules.is_case_coordinator(actor, r.case)]


def compute(actor, requests) -> tuple[list[Line], object]:
    from parcours.shelter.matching import Request, allocate

    if not can_allocate(actor):
        raise NotAllowed(_("Only coordinators run a batch allocation."))
    requests = list(requests)
    if not requests:
        raise DomainError(_("No request is waiting for a place."))
    table = network.table()
    # A case whose safety is not assessed is never placed silently: set aside with the reason,
    # it takes no place from the others.
    unassessed = {r.pk for r in requests if zones.needs_assessment(r.case)}
    result = allocate(
        [
            Request(id=r.pk, needs=ranking.needs_of(r), priority=r.priority)
            for r in requests
            if r.pk not in unassessed
        ],
        table,
        stale_after_hours=network.stale_after_hours(),
    )
    facilities = Facility.objects.in_bulk(list(result.assignments.values()))
    lines = [
        Line(
            request=r,
            facility=facilities.get(result.assignments.get(r.pk)),
            reason="no_safety_assessment" if r.pk in unassessed else result.unplaced.get(r.pk, ""),
        )
        for r in requests
    ]
    for r in requests:
        record(actor, Action.BATCH_ALLOCATION, r.case, groups=[FieldGroup.SAFETY])
    return lines, result


def plan_of(lines) -> str:
    """The allocation as shown: "request:facility" pairs, for the page to send back."""
    return ",".join(f"{line.request.pk}:{line.facility.pk}" for line in lines if line.facility)


def apply(actor, requests, *, shown_plan: str) -> tuple[list[Line], bool]:
    """Compute again; propose each placed request to its facility only if the result is the
    one the coordinator saw (``shown_plan``). Otherwise nothing is proposed and the new result
    is returned to be checked (False)."""
    lines, _result = compute(actor, requests)
    if plan_of(lines) != shown_plan:
        return lines, False
    for line in lines:
        if line.facility is None:
            continue
        try:
            (proposed,) = placement.propose(actor, line.request, [line.facility])
        except DomainError as error:
            line.outcome = error.message
        else:
            line.outcome = proposed.status
    return lines, True
