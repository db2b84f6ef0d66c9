"""Safe-shelter pages on a case: dangers and zones, the placement request, the ranked places,
proposals, places entered by hand, arrivals. Thin: the rules live in parcours.shelter."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcours.access.redaction import case_view
from parcours.access.shortcuts import get_case_or_404
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError
from parcours.core.groups import FieldGroup
from parcours.shelter import placement as placements
from parcours.shelter import ranking, reading, zones
from parcours.shelter import rules as shelter_rules
from parcours.shelter.enums import ZoneKind
from parcours.shelter.models import DangerZone, Placement, PlacementRequest
from parcours.www.common.submit import submit
from parcours.www.shelter.forms import (
    ByHandForm,
    PlacementRequestForm,
    ProposeForm,
    RiskForm,
    ZoneForm,
)

WHY_LABELS = {
    "contradictory": gettext_lazy(
        "No facility of the network could ever take this request, whatever its availability:"
    ),
    "no_facility_for_profile": gettext_lazy("no facility accepts this profile"),
    "all_within_danger_distance": gettext_lazy("every facility is too close to a danger zone"),
    "security_level": gettext_lazy("no facility has the security level asked for"),
    "family_size": gettext_lazy("no facility can take this many people together"),
    "no_free_place": gettext_lazy("the facilities that fit are full right now"),
    "no_facility_in_network": gettext_lazy("the network has no facility"),
    "combination": gettext_lazy(
        "no facility meets all these constraints together; relaxing one helps:"
    ),
}


def _managed_case(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not shelter_rules.can_manage_safety(request.actor, case):
        raise Http404
    return case


def case_shelter_context(view) -> dict:
    """What the case page shows of safety and shelter, from the redaction object."""
    return {"shelter": reading.shelter_section(view)}


def case_risk(request, ref):
    case = _managed_case(request, ref)
    form = RiskForm(request.POST or None)

    def action(data):
        zones.assess(
            request.actor, case, dangers=data["dangers"], level=data["level"], note=data["note"]
        )

    if submit(request, form, action, _("Dangers recorded.")):
        return redirect("case_detail", ref=case.ref)
    return _form_page(request, "risk", case, form, _("Immediate dangers"), _("Record"))


def _form_page(request, name, case, form, title, submit):
    context = {
        "case": case_view(request, case).summary,
        "form": form,
        "page_title": title,
        "submit_label": submit,
    }
    status = 400 if form.is_bound else 200
    return render(request, f"www/shelter/{name}.html", context, status=status)


def case_zone_add(request, ref):
    case = _managed_case(request, ref)
    form = ZoneForm(request.POST or None)

    def action(data):
        commune = data["commune"] if data["kind"] == ZoneKind.TOWN else None
        zones.add_zone(
            request.actor,
            case,
            kind=data["kind"],
            reason=data["reason"],
            departement=data["departement"],
            **_where(commune),
            radius_km=data["radius_km"],
        )

    if submit(request, form, action, _("Danger zone added.")):
        return redirect("case_detail", ref=case.ref)
    return _form_page(request, "zone_add", case, form, _("Add a danger zone"), _("Add"))


@require_POST
def case_zone_remove(request, ref, pk):
    case = _managed_case(request, ref)
    zone = DangerZone.objects.filter(case=case, pk=pk, removed_at__isnull=True).first()
    if zone is None:
        raise Http404
    zones.remove_zone(request.actor, zone)
    messages.success(request, _("Danger zone removed."))
    return redirect("case_detail", ref=case.ref)


def _where(commune) -> dict:
    """A commune typed in a form, as the safety rule takes a place: its name, its point."""
    if commune is None:
        return {}
    return {"town": commune.name, "lat": commune.lat, "lon": commune.lon}


def case_placement_new(request, ref):
    """A new placement request starts from what the reader may see of the person (sex, minor,
    languages: ``reading.request_defaults``, through the redaction object)."""
    case = _managed_case(request, ref)
    view = case_view(request, case)
    known = {} if request.method == "POST" else reading.request_defaults(view)
    form = PlacementRequestForm(
        request.POST or None,
        known=known,
        can_lower_distance=shelter_rules.can_lower_safe_distance(request.actor, case),
    )

    def action(data):
        return placements.create_request(
            request.actor,
            case,
            sex=data["sex"],
            minor=data["minor"],
            family_size=data["family_size"],
            pets=data["pets"],
            languages=form.language_list(),
            security_level=data["security_level"],
            min_distance_km=data["min_distance_km"],
            priority=int(data["priority"]),
            consent_date=data["consent_date"],
            operation=data["operation"],
        )

    if done := submit(request, form, action, _("Request recorded: here are the places that fit.")):
        return redirect("placement_request", ref=case.ref, pk=done.value.pk)
    if request.method != "POST" and view.sees(FieldGroup.IDENTITY):
        # the form starts from what is known of the person: a read of the case, journaled
        record(
            request.actor,
            Action.VIEW_CASE,
            case,
            groups=[FieldGroup.IDENTITY],
            reason="placement:new",
            related=case.person,
        )
    return _form_page(
        request, "request_new", case, form, _("Find a safe place"), _("See the places that fit")
    )


def _request_or_404(case, pk) -> PlacementRequest:
    found = PlacementRequest.objects.filter(case=case, pk=pk).first()
    if found is None:
        raise Http404
    return found


def placement_request(request, ref, pk):
    """The ranked places for a request; choose one or several (in the list's order) and
    propose; or record a place offered by hand."""
    case = _managed_case(request, ref)
    placement_request = _request_or_404(case, pk)
    return _render_request(request, case, placement_request)


def _render_request(
    request, case, placement_request, propose_form=None, hand_form=None, status=200
):
    """The ranked places; or, while the person's safety is not assessed, nothing to choose from
    and the way to assess it (ranking such a case would say "outside every danger zone" of any
    place at all)."""
    actor = request.actor
    can_override = shelter_rules.can_override(actor, case)
    needs_assessment = zones.needs_assessment(case)
    pairs, why = ([], []) if needs_assessment else ranking.ranked(actor, placement_request)
    choices = [(str(f.pk), str(f.pk)) for f, _r in pairs]
    view = case_view(request, case)
    propose_form = propose_form or ProposeForm(choices=choices, can_override=can_override)
    context = {
        "case": view.summary,
        "request_obj": placement_request,
        "needs_assessment": needs_assessment,
        "risk": reading.risk_line(case),
        "has_zones": bool(zones.active_zones(case)),
        "places": reading.ranked_places(view, pairs),
        "sees_location": view.sees_location,
        "why": [(code, WHY_LABELS.get(code, code)) for code in why],
        "open": placement_request.status == "open"
        and not placements.open_placements(placement_request).exists(),
        "propose_form": propose_form,
        # ticked: the only place of the list, or those ticked before an error
        "chosen": {str(pk) for pk in propose_form["facilities"].value() or ()},
        "hand_form": hand_form or ByHandForm(can_override=can_override),
    }
    return render(request, "www/shelter/request.html", context, status=status)


def _not_assessed(request, case, placement_request):
    """A proposal sent for a case whose safety is not assessed: refused, the page says why."""
    try:
        placements.require_assessment(case)
    except placements.SafetyNotAssessed as error:
        messages.error(request, error.message)
    return _render_request(request, case, placement_request, status=400)


@require_POST
def placement_propose(request, ref, pk):
    case = _managed_case(request, ref)
    placement_request = _request_or_404(case, pk)
    if zones.needs_assessment(case):
        return _not_assessed(request, case, placement_request)
    pairs, _why = ranking.ranked(request.actor, placement_request)
    can_override = shelter_rules.can_override(request.actor, case)
    choices = [(str(f.pk), str(f.pk)) for f, _r in pairs]
    form = ProposeForm(request.POST, choices=choices, can_override=can_override)
    ranked_facilities = {str(f.pk): f for f, _r in pairs}

    def action(data):
        chosen = [ranked_facilities[pk] for pk, _label in choices if pk in data["facilities"]]
        placements.propose(
            request.actor,
            placement_request,
            chosen,
            override_reason=data.get("override_reason", ""),
        )

    if submit(request, form, action, _("Proposed: the facility is asked and will answer.")):
        return redirect("case_detail", ref=case.ref)
    return _render_request(request, case, placement_request, propose_form=form, status=400)


@require_POST
def placement_by_hand(request, ref, pk):
    case = _managed_case(request, ref)
    placement_request = _request_or_404(case, pk)
    if zones.needs_assessment(case):
        return _not_assessed(request, case, placement_request)
    form = ByHandForm(request.POST, can_override=shelter_rules.can_override(request.actor, case))

    def action(data):
        commune = data["commune"]
        placements.propose_by_hand(
            request.actor,
            placement_request,
            name=data["name"],
            departement=commune.departement,
            **_where(commune),
            override_reason=data.get("override_reason", ""),
        )

    if submit(request, form, action, _("Place recorded.")):
        return redirect("case_detail", ref=case.ref)
    return _render_request(request, case, placement_request, hand_form=form, status=400)


def _placement_or_404(case, pk) -> Placement:
    found = Placement.objects.filter(case=case, pk=pk).select_related("facility").first()
    if found is None:
        raise Http404
    return found


@require_POST
def placement_cancel(request, ref, pk):
    case = _managed_case(request, ref)
    try:
        placements.cancel(request.actor, _placement_or_404(case, pk))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Proposal cancelled; the next facility in line is asked."))
    return redirect("case_detail", ref=case.ref)


@require_POST
def placement_arrival(request, ref, pk):
    case = _managed_case(request, ref)
    try:
        placements.record_arrival(request.actor, _placement_or_404(case, pk))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Arrival recorded: the person is in a safe place."))
    return redirect("case_detail", ref=case.ref)
