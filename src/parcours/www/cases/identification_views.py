"""The identification part's actions on the case page: record a stage, the information on the
reflection period, the forms of exploitation, a claim to be a minor or its decision. Thin: the
rules and the writes are in ``parcours.identification``; an error re-renders the case page with
the form and its message, nothing saved."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.access import rules
from parcours.access.shortcuts import get_case_or_404
from parcours.core.errors import DomainError
from parcours.identification import exploitation, minors, reflection, sheet, stages
from parcours.identification.models import Stage
from parcours.www.cases.identification_forms import (
    ExploitationFormsForm,
    MinorityClaimForm,
    MinorityDecisionForm,
    ReflectionInformationForm,
    StageForm,
)
from parcours.www.cases.views import _rerender
from parcours.www.common.submit import submit


def _back(case):
    return redirect(
        reverse("case_detail", kwargs={"ref": case.ref}) + "?ouvrir=identification#identification"
    )


@require_POST
def case_stage(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not stages.can_record_stage(request.actor, case):
        raise Http404
    form = StageForm(request.POST, case=case, actor=request.actor)

    def action(data):
        return stages.record_stage(
            request.actor, case, data["code"], data["on"], by=data.get("unit"), note=data["note"]
        )

    if submit(request, form, action, _("Stage recorded.")):
        return _back(case)
    return _rerender(request, case, stage_form=form)


@require_POST
def case_reflection_info(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not stages.can_record_stage(request.actor, case, Stage.Code.IDENTIFIED):
        raise Http404
    form = ReflectionInformationForm(request.POST)

    def action(data):
        return reflection.record_information(
            request.actor,
            case,
            given_on=data["given_on"],
            language=data["language"],
            interpreter=data["interpreter"],
        )

    if submit(request, form, action, _("Information recorded.")):
        return _back(case)
    return _rerender(request, case, information_form=form)


@require_POST
def case_exploitation(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not stages.can_record_stage(request.actor, case):
        raise Http404
    form = ExploitationFormsForm(request.POST)

    def action(data):
        exploitation.record_forms(
            request.actor, case, data["forms"], expected=data["fingerprint"] or None
        )

    if submit(request, form, action, _("Forms of exploitation recorded.")):
        return _back(case)
    return _rerender(request, case, forms_form=form)


@require_POST
def case_rights_sheet(request, ref):
    """Print the sheet of rights in the person's language; that it was given is recorded."""
    case = get_case_or_404(request.actor, ref)
    if not sheet.can_give(request.actor, case):
        raise Http404
    try:
        with transaction.atomic():
            document = sheet.give(
                request.actor,
                case,
                request.POST.get("language", ""),
                full=request.POST.get("full") == "on",
            )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(reverse("case_detail", kwargs={"ref": case.ref}) + "?ouvrir=rights#rights")
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="droits-{case.ref}.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def case_minority(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not rules.can_edit_case(request.actor, case):
        raise Http404
    if request.POST.get("step") == "decision":
        form = MinorityDecisionForm(request.POST)

        def action(data):
            minors.record_decision(
                request.actor, case, data["decision"], data["decided_on"], basis=data["basis"]
            )

        if submit(request, form, action, _("Decision recorded.")):
            return _back(case)
        return _rerender(request, case, minority_decision_form=form)
    form = MinorityClaimForm(request.POST)

    def claim(data):
        minors.record_claim(request.actor, case, data["claimed_on"])

    if submit(request, form, claim, _("Recorded: the person is treated as a minor until decided.")):
        return _back(case)
    return _rerender(request, case, minority_claim_form=form)
