"""Referral and consent pages: send a referral from a case, record and withdraw consents, the
inbox of referrals received, and answering them. Thin: every rule lives in parcours.referrals."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.access import rules
from parcours.access.listing import label_cases
from parcours.access.redaction import CaseView, case_view
from parcours.access.shortcuts import get_case_or_404
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import handover
from parcours.core.errors import DomainError
from parcours.core.refs import is_valid_reference
from parcours.referrals import consent as consents
from parcours.referrals import deadlines, services
from parcours.referrals import rules as referral_rules
from parcours.referrals.directory import directory_search
from parcours.referrals.enums import AWAITING_ANSWER, REFUSAL_LABELS, ReferralStatus
from parcours.referrals.models import Consent, Referral
from parcours.referrals.visibility import visible_referrals
from parcours.rights import services as rights
from parcours.www.common.submit import submit
from parcours.www.referrals.forms import (
    AnswerForm,
    ConsentForm,
    InboxFilterForm,
    ReferralForm,
    RequirementForm,
    ServiceSearchForm,
)


def _mark_overdue(referrals, now):
    for referral in referrals:
        referral.is_overdue = deadlines.overdue(referral, now)
    return referrals


def _initial(request, case) -> dict:
    """What the referral form starts from: the right asked for (a link of the rights part),
    and for a minor, sharing under child-protection law rather than consent."""
    from parcours.cases.enums import LegalBasis, SharingBasis
    from parcours.cases.participants import is_minor

    initial = {"right": request.GET.get("right", "")}
    if is_minor(case):
        initial.update(basis=SharingBasis.LEGAL, legal_basis=LegalBasis.CHILD_PROTECTION)
    return initial


def case_referral_new(request, ref):
    """Search the directory, choose a service, say what is shared and on which basis, send."""
    actor = request.actor
    case = get_case_or_404(actor, ref)
    if not referral_rules.can_send_referral(actor, case):
        raise Http404
    search = ServiceSearchForm(request.GET or None)
    results = directory_search()
    if search.is_valid():
        results = directory_search(
            search.cleaned_data["kind"] or None, search.cleaned_data["departement"] or None
        )
    if request.method == "POST":
        form = ReferralForm(request.POST, case=case, groups=rules.groups_for(request.actor, case))
    else:
        form = ReferralForm(
            case=case,
            services=results,
            groups=rules.groups_for(request.actor, case),
            initial=_initial(request, case),
        )

    def action(data):
        return services.create_and_send(
            actor,
            case,
            data["service"],
            right=rights.check_right_for(data["right"], data["service"]),
            purpose=data["purpose"],
            shared_groups=data["shared_groups"],
            urgency=data["urgency"],
            basis=data["basis"],
            legal_basis=data.get("legal_basis") or "",
            request_token=data["request_token"],
        )

    if submit(request, form, action, _("Referral sent.")):
        return redirect("case_detail", ref=case.ref)
    context = {"case": case_view(request, case).summary, "form": form, "search": search}
    return render(request, "www/referrals/new.html", context)


def case_consent_add(request, ref):
    actor = request.actor
    case = get_case_or_404(actor, ref)
    if not referral_rules.can_manage_consent(actor, case):
        raise Http404
    form = ConsentForm(request.POST or None, case=case)

    def action(data):
        consents.record_consent(
            actor,
            case,
            data["recipient"],
            purpose=data["purpose"],
            given_on=data["given_on"],
            how=data["how"],
            language=data["language"],
            interpreter=data["interpreter"],
        )

    if submit(request, form, action, _("Consent recorded.")):
        return redirect("case_detail", ref=case.ref)
    context = {"case": case_view(request, case).summary, "form": form}
    return render(request, "www/referrals/consent_add.html", context)


@require_POST
def case_consent_withdraw(request, ref, pk):
    actor = request.actor
    case = get_case_or_404(actor, ref)
    if not referral_rules.can_manage_consent(actor, case):
        raise Http404
    consent = Consent.objects.filter(case=case, pk=pk).first()
    if consent is None:
        raise Http404
    consents.withdraw_consent(actor, consent)
    messages.success(
        request, _("Consent withdrawn: the organisation no longer sees what it covered.")
    )
    return redirect("case_detail", ref=case.ref)


def referral_inbox(request):
    """Referrals addressed to the actor's organisation, newest first."""
    actor = request.actor
    form = InboxFilterForm(request.GET or None)
    referrals = (
        visible_referrals(actor)
        .filter(to_org_id=actor.organisation_id)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("service", "from_org", "case__referent_org")
        .order_by("-sent_at", "-pk")
    )
    if form.is_valid() and form.cleaned_data["status"]:
        referrals = referrals.filter(status=form.cleaned_data["status"])
    referrals = _mark_overdue(list(referrals[:200]), timezone.now())
    context = {
        "form": form,
        "rows": label_cases(actor, referrals, case_of=lambda referral: referral.case),
        "handovers": handover.received_by(actor),
    }
    return render(request, "www/referrals/inbox.html", context)


def _get_referral_or_404(actor, ref):
    if not is_valid_reference("R", ref):
        raise Http404
    referral = (
        Referral.objects.visible_to(actor)
        .select_related("service", "from_org", "to_org", "case__referent_org", "created_by")
        .filter(ref=ref)
        .first()
    )
    # A reader of the case who is neither its sender nor its recipient reads a referral only
    # when it sees the group of the referral's domain (redaction object).
    if referral is None or not CaseView(actor, referral.case).may_read_referral(referral):
        raise Http404
    return referral


def _detail(request, referral, answer_form=None, status=200):
    """The referral page (after a form error too), from the redaction object of its case;
    every rendering is journaled."""
    actor = request.actor
    view = case_view(request, referral.case)
    can_answer = (
        referral_rules.can_answer_referral(actor, referral) and referral.status in AWAITING_ANSWER
    )
    if can_answer and answer_form is None:
        answer_form = AnswerForm(initial={"version": referral.version}, kind=referral.service.kind)
    context = {
        "referral": referral,
        "answer_form": answer_form if can_answer else None,
        "can_withdraw": referral_rules.can_withdraw_referral(actor, referral)
        and referral.status in (ReferralStatus.DRAFT, *AWAITING_ANSWER),
        "case_visible": view.visible,
        "line": view.referral_line(referral),
        "from_label": view.org_label(referral.from_org),
        "due_at": deadlines.due_at(referral),
        "is_overdue": deadlines.overdue(referral, timezone.now()),
        "transitions": [
            (t, view.org_label(t.by_org) if t.by_org_id else "Parcours")
            for t in referral.transitions.select_related("by_org")
        ],
        "refusal_label": REFUSAL_LABELS.get(referral.refusal_code, referral.refusal_code),
        "requirements": None,
    }
    if rights.can_record_facts(actor, referral.case):  # the referent: what the service asks for
        context["requirements"] = rights.requirements_of(referral)
        context["requirement_form"] = RequirementForm()
    record(actor, Action.REFERRAL_VIEW, referral.case, related=referral)
    return render(request, "www/referrals/detail.html", context, status=status)


def referral_detail(request, ref):
    """What the recipient may see before accepting: no data of the person."""
    return _detail(request, _get_referral_or_404(request.actor, ref))


@require_POST
def referral_answer(request, ref):
    actor = request.actor
    referral = _get_referral_or_404(actor, ref)
    if not referral_rules.can_answer_referral(actor, referral):
        raise Http404
    form = AnswerForm(request.POST, kind=referral.service.kind)

    def action(data):
        if data["action"] == "acknowledge":
            services.acknowledge(actor, referral)
        elif data["action"] == "accept":
            services.accept(actor, referral, data["version"])
        else:
            services.refuse(
                actor, referral, data["refusal_code"], data["refusal_text"], data["version"]
            )

    if submit(request, form, action, _("Answer recorded.")):
        return redirect("referral_detail", ref=referral.ref)
    referral.refresh_from_db()
    data = form.data.copy()
    data["version"] = referral.version  # the errors stay; a retry answers the current state
    form.data = data
    return _detail(request, referral, answer_form=form, status=400)


@require_POST
def referral_requirement(request, ref):
    """Record what the service asks for first in this case (it may block the pathway)."""
    actor = request.actor
    referral = _get_referral_or_404(actor, ref)
    if not rights.can_record_facts(actor, referral.case):
        raise Http404
    form = RequirementForm(request.POST)
    if not submit(
        request,
        form,
        lambda data: rights.record_stated_requirement(actor, referral, data["code"]),
        _("Recorded: the rights part of the case checks whether requests wait on each other."),
    ):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("referral_detail", ref=referral.ref)


@require_POST
def referral_requirement_remove(request, ref):
    actor = request.actor
    referral = _get_referral_or_404(actor, ref)
    if not rights.can_record_facts(actor, referral.case):
        raise Http404
    try:
        with transaction.atomic():
            rights.remove_stated_requirement(actor, referral, request.POST.get("code", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed."))
    return redirect("referral_detail", ref=referral.ref)


@require_POST
def referral_withdraw(request, ref):
    actor = request.actor
    referral = _get_referral_or_404(actor, ref)
    if not referral_rules.can_withdraw_referral(actor, referral):
        raise Http404
    try:
        with transaction.atomic():
            services.withdraw(actor, referral)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Referral withdrawn."))
    return redirect("referral_detail", ref=referral.ref)
