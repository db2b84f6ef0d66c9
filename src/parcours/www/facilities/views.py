"""The facility staff's pages: their facilities and free places, the proposals asked of them,
the answer and the arrival; and the first API route (availability). Thin: every rule lives in
``parcours.shelter.network`` and ``parcours.shelter.placement``.

A facility is not a participant in a case before it accepts: its inbox shows the case reference,
a summary of the needs and the date asked, never the person's name or anything else of the case.
Another organisation's facility or placement answers 404.
"""

import json

from django.contrib.auth.decorators import login_not_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from parcours.core.groups import FieldGroup
from parcours.people.enums import Sex
from parcours.shelter import network, rules
from parcours.shelter import placement as placements
from parcours.shelter.enums import PlacementStatus
from parcours.shelter.models import Placement, PlacementTransition
from parcours.www.common.submit import submit
from parcours.www.facilities.forms import ArrivalForm, AvailabilityForm, PlacementAnswerForm


def _errors_of(form) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]


def _retry_with(form, version):
    """Keep what was typed and its errors; a retry applies to the current state."""
    data = form.data.copy()
    data["version"] = version
    form.data = data
    return form


# --- facilities and availability ------------------------------------------------------------


def _own_facility_or_404(actor, pk):
    facility = network.facilities_of(actor).filter(pk=pk).first()
    if facility is None or not rules.works_for(actor, facility):
        raise Http404
    return facility


def _facility_page(request, bound=None, errors=(), status=200):
    now = timezone.now()
    bound = bound or {}
    rows = []
    for facility in network.facilities_of(request.actor):
        form = bound.get(facility.pk) or AvailabilityForm(
            initial={"free": facility.free, "version": facility.version}, facility=facility
        )
        rows.append({"facility": facility, "stale": network.is_stale(facility, now), "form": form})
    context = {
        "rows": rows,
        "errors": errors,
        "stale_hours": round(network.stale_after_hours()),
    }
    return render(request, "www/facilities/list.html", context, status=status)


def facility_list(request):
    """The actor's facilities: capacity, free places, when they were last updated."""
    return _facility_page(request)


@require_POST
def facility_availability(request, pk):
    actor = request.actor
    facility = _own_facility_or_404(actor, pk)
    form = AvailabilityForm(request.POST, facility=facility)

    def action(data):
        network.update_availability(
            actor, facility, data["free"], expected_version=data["version"], via="page"
        )

    if submit(request, form, action, _("Availability updated.")):
        return redirect("facility_list")
    facility.refresh_from_db()
    _retry_with(form, facility.version)
    return _facility_page(request, {facility.pk: form}, _errors_of(form), status=400)


# --- proposals ------------------------------------------------------------------------------

SEX_LABELS = dict(Sex.choices)


def needs_summary(needs: dict) -> dict:
    """What the facility needs to decide, and nothing else of the case."""
    return {
        "sex": SEX_LABELS.get(needs.get("sex"), SEX_LABELS[Sex.UNKNOWN]),
        "family_size": needs.get("family_size", 1),
        "languages": ", ".join(needs.get("languages", ())),
        "minor": bool(needs.get("minor")),
        "pets": bool(needs.get("pets")),
    }


def _inbox(request, bound=None, errors=(), status=200):
    proposed_at = (
        PlacementTransition.objects.filter(
            placement=OuterRef("pk"), to_status=PlacementStatus.PROPOSED
        )
        .order_by("-at")
        .values("at")[:1]
    )
    found = (
        placements.proposals_for(request.actor)
        .annotate(proposed_at=Subquery(proposed_at))
        .order_by("proposed_at", "pk")
    )
    bound = bound or {}
    to_answer, to_arrive = [], []
    for placement in found:
        item = {
            "placement": placement,
            "needs": needs_summary(placement.request.needs),
            "answer_form": None,
            "arrival_form": None,
        }
        # A form posted for this placement comes back with its errors only in the slot of its
        # own kind (an arrival refused while the placement waits for an answer again: the
        # answer slot gets a fresh answer form, not the arrival form).
        posted = bound.get(placement.pk)
        if placement.status == PlacementStatus.PROPOSED:
            item["answer_form"] = (
                posted
                if isinstance(posted, PlacementAnswerForm)
                else PlacementAnswerForm(
                    initial={"version": placement.version}, placement=placement
                )
            )
            to_answer.append(item)
        else:
            item["arrival_form"] = (
                posted
                if isinstance(posted, ArrivalForm)
                else ArrivalForm(initial={"version": placement.version}, placement=placement)
            )
            to_arrive.append(item)
    context = {"to_answer": to_answer, "to_arrive": to_arrive, "errors": errors}
    # Each case shown (its needs, its arrival) is a read of the person's data: journaled.
    for item in (*to_answer, *to_arrive):
        record(
            request.actor,
            Action.FACILITY_INBOX,
            item["placement"].case,
            groups=[FieldGroup.LOCATION],
            reason=f"placement:{item['placement'].pk}",
        )
    return render(request, "www/facilities/inbox.html", context, status=status)


def placement_inbox(request):
    """Proposals to answer and accepted ones awaiting arrival at the actor's facilities."""
    return _inbox(request)


def _placement_or_404(actor, pk):
    placement = Placement.objects.select_related("facility").filter(pk=pk).first()
    if placement is None or not rules.can_answer(actor, placement):
        raise Http404
    return placement


@require_POST
def placement_answer(request, pk):
    actor = request.actor
    placement = _placement_or_404(actor, pk)
    form = PlacementAnswerForm(request.POST, placement=placement)
    accept = request.POST.get("decision") == "accept"

    def action(data):
        placements.answer(
            actor,
            placement,
            accept=data["decision"] == "accept",
            code=data["code"],
            text=data["text"],
            expected_version=data["version"],
        )

    done = (
        _("Accepted: the case's referent is told.")
        if accept
        else _("Declined: the case's referent is told.")
    )
    if submit(request, form, action, done):
        return redirect("placement_inbox")
    placement.refresh_from_db()
    _retry_with(form, placement.version)
    return _inbox(request, {placement.pk: form}, _errors_of(form), status=400)


@require_POST
def placement_host_arrival(request, pk):
    actor = request.actor
    placement = _placement_or_404(actor, pk)
    form = ArrivalForm(request.POST, placement=placement)

    def action(data):
        placements.record_arrival(actor, placement, expected_version=data["version"])

    if submit(request, form, action, _("Arrival recorded.")):
        return redirect("placement_inbox")
    placement.refresh_from_db()
    _retry_with(form, placement.version)
    return _inbox(request, {placement.pk: form}, _errors_of(form), status=400)


# --- API ------------------------------------------------------------------------------------


def _availability_payload(facility) -> dict:
    return {
        "facility": facility.pk,
        "free": facility.free,
        "capacity": facility.capacity,
        "updated_at": facility.availability_at.isoformat() if facility.availability_at else None,
        "stale": network.is_stale(facility),
        "version": facility.version,
    }


def _json_error(message, status):
    return JsonResponse({"error": str(message)}, status=status)


def _is_whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@login_not_required
def facility_availability_api(request, pk):
    """``/api/v1/etablissements/<pk>/disponibilites/``: a facility's availability, as JSON.

    The first API route. GET answers ``{"facility", "free", "capacity", "updated_at", "stale",
    "version"}``; PUT with the JSON body ``{"free": n, "version": v}`` (``version`` optional:
    when given, a stale one is refused with 409) sets the free places through
    ``network.update_availability(..., via="api")`` and answers the new state.

    Authentication is the signed-in session, with the same middlewares as the pages (the second
    factor, the session's idle and absolute limits: those still answer with their redirects).
    CSRF stays on for PUT: Django checks unsafe methods, so the client sends the token in the
    ``X-CSRFToken`` header (the CSRF cookie is HttpOnly: take the token from a page's form).
    Tokens for machine clients come with the API issue.

    Answers: 403 JSON when not signed in (no redirect to the sign-in page; like a session-only
    API, there is no challenge to offer, hence no 401); 404 JSON unless the actor works for the
    facility (another organisation learns nothing); 400 JSON for a bad body or value (negative,
    above capacity); 409 JSON for a stale version; 405 for other methods. Every error is
    ``{"error": "<translated message>"}`` and nothing is changed.
    """
    actor = request.actor
    if actor is None:
        return _json_error(_("Sign in to use the API."), 403)
    facility = network.facilities_of(actor).filter(pk=pk).first()
    if facility is None or not rules.works_for(actor, facility):
        return _json_error(_("Not found."), 404)
    if request.method == "GET":
        return JsonResponse(_availability_payload(facility))
    if request.method != "PUT":
        response = _json_error(_("Use GET or PUT."), 405)
        response["Allow"] = "GET, PUT"
        return response
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return _json_error(_('Send a JSON object such as {"free": 3, "version": 7}.'), 400)
    free, version = body.get("free"), body.get("version")
    if not _is_whole_number(free):
        return _json_error(_("The number of free places must be a whole number."), 400)
    if version is not None and not _is_whole_number(version):
        return _json_error(_("The version must be a whole number."), 400)
    try:
        facility = network.update_availability(
            actor, facility, free, expected_version=version, via="api"
        )
    except NotAllowed:
        return _json_error(_("Not found."), 404)
    except StaleVersion as error:
        return _json_error(error.message, 409)
    except DomainError as error:
        return _json_error(error.message, 400)
    return JsonResponse(_availability_payload(facility))
