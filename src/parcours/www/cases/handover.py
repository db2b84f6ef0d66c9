"""Hand-over pages: the referent proposes another referent; that organisation reads the
proposal (nothing about the person) and accepts or declines. Rules in parcours.cases.handover."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.access import rules
from parcours.access.redaction import case_view
from parcours.access.shortcuts import get_case_or_404
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import handover as handovers
from parcours.cases.models import Handover
from parcours.core.errors import DomainError
from parcours.www.cases.forms import HandoverAnswerForm, HandoverForm
from parcours.www.common.submit import submit


def case_handover(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not handovers.can_propose(request.actor, case):
        raise Http404
    form = HandoverForm(request.POST or None, case=case)
    waiting = handovers.pending(case)

    def action(data):
        handovers.propose(
            request.actor,
            case,
            to_org=data["to_org"],
            reason=data["reason"],
            basis=data["basis"],
            consent_date=data.get("consent_date"),
            legal_basis=data.get("legal_basis") or "",
            former_stays=data["former_stays"],
        )

    success = _("Hand-over proposed: the organisation is told and will answer.")
    if submit(request, form, action, success):
        return redirect("case_detail", ref=case.ref)
    context = {"case": case_view(request, case).summary, "form": form, "waiting": waiting}
    return render(request, "www/cases/handover.html", context)


def _handover_or_404(actor, pk) -> Handover:
    handover = Handover.objects.select_related("case", "from_org", "to_org").filter(pk=pk).first()
    if handover is None or not handovers.can_view(actor, handover):
        raise Http404
    return handover


def handover_detail(request, pk):
    handover = _handover_or_404(request.actor, pk)
    return render(request, "www/cases/handover_detail.html", _detail_context(request, handover))


def _detail_context(request, handover, form=None):
    """The hand-over page (after a form error too); each rendering is journaled."""
    record(request.actor, Action.HANDOVER_VIEW, handover.case, reason=f"handover:{handover.pk}")
    answerable = (
        handovers.can_answer(request.actor, handover)
        and handover.status == Handover.Status.PROPOSED
    )
    return {
        "handover": handover,
        "form": form
        or (HandoverAnswerForm(initial={"version": handover.case.version}) if answerable else None),
        "can_cancel": handover.status == Handover.Status.PROPOSED
        and rules.can_edit_case(request.actor, handover.case)
        and request.actor.organisation_id == handover.from_org_id,
        "sees_case": rules.can_view_case(request.actor, handover.case),
    }


@require_POST
def handover_answer(request, pk):
    handover = _handover_or_404(request.actor, pk)
    if not handovers.can_answer(request.actor, handover):
        raise Http404
    form = HandoverAnswerForm(request.POST)

    def action(data):
        if data["decision"] == "accept":
            handovers.accept(request.actor, handover, data["version"])
        else:
            handovers.decline(request.actor, handover, data["note"])

    if submit(request, form, action, _("Your answer is recorded.")):
        if form.cleaned_data["decision"] == "accept":
            return redirect("case_detail", ref=handover.case.ref)
        return redirect("handover_detail", pk=handover.pk)
    context = _detail_context(request, handover, form)
    return render(request, "www/cases/handover_detail.html", context, status=400)


@require_POST
def handover_cancel(request, pk):
    handover = _handover_or_404(request.actor, pk)
    if not rules.can_edit_case(request.actor, handover.case):
        raise Http404
    try:
        handovers.cancel(request.actor, handover)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("handover_detail", pk=handover.pk)
    messages.success(request, _("Hand-over cancelled."))
    return redirect("case_detail", ref=handover.case.ref)
