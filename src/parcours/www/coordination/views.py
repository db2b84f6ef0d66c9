"""Coordination screens: exceptional access to a case (break-glass) and the batch allocation
of safe places. Thin: the rules live in ``access.breakglass`` and ``shelter.batch``."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.access import breakglass, rules
from parcours.core.errors import DomainError
from parcours.rights import review_catalogue
from parcours.rights.catalogue import catalogue
from parcours.shelter import batch
from parcours.shelter.enums import PlacementStatus
from parcours.www.common.submit import submit
from parcours.www.coordination.forms import BreakGlassForm

UNPLACED_LABELS = {
    "contradictory": gettext_lazy("no facility of the network could ever take this request"),
    "no_free_place": gettext_lazy("the facilities that fit have no free place now"),
    "places_went_to_higher_priority": gettext_lazy(
        "the places that fit went to more urgent requests"
    ),
    "to_others_with_equal_priority": gettext_lazy(
        "the places that fit went to requests of the same priority, closer to them"
    ),
    "not_enough_places_together": gettext_lazy("not enough places together for the whole family"),
    "no_safety_assessment": gettext_lazy(
        "the person's safety is not assessed yet: no place is sought before it"
    ),
}


def break_glass(request):
    """A coordinator opens a case outside their scope in two steps: the reference and a written
    reason, then a summary of what is journaled and who is told; only "confirm" grants."""
    actor = request.actor
    if not breakglass.can_break_glass(actor):
        raise Http404
    form = BreakGlassForm(request.POST or None)
    step = request.POST.get("step") if request.method == "POST" else None

    def action(data):
        return breakglass.open_case(actor, data["ref"], data["reason"])

    if step == "confirm" and (
        done := submit(
            request, form, action, _("Exceptional access granted; the referent is told.")
        )
    ):
        return redirect("case_detail", ref=done.value.case.ref)
    summary = None
    if request.method == "POST" and step not in ("confirm", "edit") and form.is_valid():
        try:
            data = form.cleaned_data
            summary = breakglass.preview(actor, data["ref"], data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
    context = {"form": form, "hours": settings.BREAK_GLASS_HOURS, "summary": summary}
    return render(request, "www/coordination/break_glass.html", context)


def batch_allocation(request):
    """The coordinator's batch allocation (S4): the waiting requests of the cases they
    coordinate, the exact allocation against national availability, then the proposals."""
    actor = request.actor
    if not batch.can_allocate(actor):
        raise Http404
    operation = (request.POST.get("operation") or request.GET.get("operation") or "").strip()
    waiting = batch.pending_requests(actor, operation)
    lines, result, applied = [], None, False
    if request.method == "POST":
        try:
            if request.POST.get("action") == "apply":
                lines, applied = batch.apply(
                    actor, waiting, shown_plan=request.POST.get("plan", "")
                )
                if applied:
                    messages.success(request, _("Proposals sent to the facilities chosen."))
                else:
                    result = True  # show the new result, to be checked and proposed again
                    messages.warning(
                        request,
                        _(
                            "Availability or requests changed since you computed: nothing was "
                            "proposed. Check this new allocation."
                        ),
                    )
            else:
                lines, result = batch.compute(actor, waiting)
        except DomainError as error:
            messages.error(request, error.message)
    if applied:  # the proposals made: those requests wait no more
        waiting = batch.pending_requests(actor, operation)
    outcomes = dict(PlacementStatus.choices)
    rows = [
        {
            "line": line,
            "reason": UNPLACED_LABELS.get(line.reason, line.reason),
            "outcome": outcomes.get(getattr(line, "outcome", ""), getattr(line, "outcome", "")),
        }
        for line in lines
    ]
    context = {
        "waiting": waiting,
        "rows": rows,
        "result": result,
        "applied": applied,
        "operation": operation,
        "placed": sum(1 for line in lines if line.facility is not None),
        "plan": batch.plan_of(lines),
    }
    return render(request, "www/coordination/batch.html", context)


def rights_catalogue(request):
    """The rights catalogue for coordinators: each entry, its source, whether it was verified,
    where it is used, and what changed between two versions (``?de=1&a=2``)."""
    if not rules.is_coordinator(request.actor):
        raise Http404
    current = catalogue()
    numbers = review_catalogue.versions()
    try:
        old = int(request.GET.get("de") or (numbers[-2] if len(numbers) > 1 else current.version))
        new = int(request.GET.get("a") or current.version)
    except ValueError:
        old = new = current.version
    changes = None
    if old in numbers and new in numbers and old != new:
        changes = review_catalogue.diff(
            review_catalogue.version(old), review_catalogue.version(new)
        )
    context = {
        "catalogue": current,
        "entries": review_catalogue.usage(current),
        "unverified": len(current.unverified()),
        "numbers": numbers,
        "old": old,
        "new": new,
        "changes": changes,
    }
    return render(request, "www/coordination/rights_catalogue.html", context)
