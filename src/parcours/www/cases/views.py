"""Case journey pages: my cases, intake, the case page and its actions. Thin: rules and writes
live in parcours.access and parcours.cases."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.access import rules
from parcours.access.case_pages import CasePage, case_page
from parcours.access.listing import find_cases, label_cases
from parcours.access.redaction import case_view
from parcours.access.scopes import visible_cases
from parcours.access.shortcuts import get_case_or_404
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import (
    appointments,
    lifecycle,
    services,
    sharing_refusal,
    tasks,
)
from parcours.cases.models import Participant
from parcours.core.refs import is_valid_reference
from parcours.rights import services as rights
from parcours.shelter import intake
from parcours.shelter import rules as shelter_rules
from parcours.www.cases.forms import (
    AppointmentForm,
    CaseFilterForm,
    ContactForm,
    FactForm,
    NoteForm,
    ParticipantForm,
    StatusForm,
    TaskForm,
)
from parcours.www.cases.intake_forms import SafeIntakeForm
from parcours.www.cases.sections import FOLDS, page_context
from parcours.www.common.submit import submit

PAGE_SIZE = 25


def home(request):
    return redirect("my_cases")


def case_list(request):
    """Cases visible to the active organisation, filtered; the person named to the readers of
    the identity group of each case. A search by name, initials, date of birth or phone ranks
    what it finds and says why (``access.listing.find_cases``); it is journaled."""
    actor = request.actor
    # Names and phone numbers never travel in a URL (history, logs, referrers): the search is
    # posted; a `q` in the query string is ignored.
    if request.method == "POST":
        data = request.POST
    else:
        data = request.GET.copy()
        data.pop("q", None)
    form = CaseFilterForm(data or None)
    narrow, query, matches, filters, page = Q(), "", {}, {}, None
    if form.is_valid():
        data = form.cleaned_data
        query = data["q"].strip()
        filters = {name: data[name] for name in ("status", "referent") if data[name]}
        if data["status"]:
            narrow &= Q(status=data["status"])
        if data["referent"] == "mine" and actor.organisation is not None:
            narrow &= Q(referent_org=actor.organisation)
        if data["referent"] == "me":
            narrow &= Q(referent_user=actor.user)
        upper = query.upper()
        if is_valid_reference("C", upper):
            narrow &= Q(ref=upper)
        elif is_valid_reference("P", upper):
            narrow &= Q(person__ref=upper)
        elif query:
            found = find_cases(actor, query, visible_cases(actor).filter(narrow))
            record(actor, Action.SEARCH)
            matches = {case.pk: match for case, match in found}
            # The best first, on one page: the search is posted, a link to a second page would
            # lose it.
            page = CasePage([case for case, _match in found[:PAGE_SIZE]], len(found), "", "")
    if page is None:
        # The caseworker's own cases first (those they follow as referent), then the others;
        # read in order from indexes, a page after (or before) the case named in the URL.
        page = case_page(
            actor,
            narrow,
            older_than=request.GET.get("apres", ""),
            newer_than=request.GET.get("avant", ""),
            oldest="fin" in request.GET,
            size=PAGE_SIZE,
        )
    rows = [(case, label, matches.get(case.pk)) for case, label in label_cases(actor, page.cases)]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query,
        "filters": urlencode(filters),
        "can_open": rules.can_open_case(actor),
    }
    template = "www/cases/_results.html" if request.htmx else "www/cases/list.html"
    return render(request, template, context)


def case_open(request):
    """The intake form: creates the person and the case, with the organisation as referent,
    and the dangers and danger zones known at intake (``shelter.intake``)."""
    actor = request.actor
    if not rules.can_open_case(actor):
        raise Http404
    form = SafeIntakeForm(request.POST or None)

    def action(data):
        return intake.open_case_safely(
            actor,
            form.person_data(),
            intake_token=data["intake_token"],
            first_contact=data["first_contact"],
            safety=form.safety(),
        )

    if done := submit(request, form, action, _("Case opened.")):
        return redirect("case_detail", ref=done.value.ref)
    status = 400 if request.method == "POST" else 200
    return render(request, "www/cases/open.html", {"form": form}, status=status)


def case_detail(request, ref):
    """The case page: summary, timeline, participants and contact log, within the actor's groups."""
    case = get_case_or_404(request.actor, ref)
    return _render_case(request, case)


def _render_case(request, case, status=200, **forms):
    """Render the case page (after a form error too: 400) and journal the read."""
    unfold = request.GET.get("ouvrir", "")
    unfold = unfold if unfold in FOLDS else ""
    context = page_context(case_view(request, case), forms, unfold=unfold)
    record(request.actor, Action.VIEW_CASE, case, groups=context["groups"], related=case.person)
    return render(request, "www/cases/detail.html", context, status=status)


def _rerender(request, case, status=400, **forms):
    return _render_case(request, case, status=status, **forms)


@require_POST
def case_status(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not rules.can_edit_case(request.actor, case):
        raise Http404
    form = StatusForm(request.POST, allowed=lifecycle.allowed_targets(case))

    def action(data):
        lifecycle.move(
            case,
            data["status"],
            request.actor,
            reason=data["reason"],
            expected_version=data["version"],
        )

    if submit(request, form, action, _("Status changed.")):
        return redirect("case_detail", ref=case.ref)
    return _rerender(request, case, status_form=form)


@require_POST
def case_contact(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not rules.can_log_contact(request.actor, case):
        raise Http404
    form = ContactForm(request.POST)

    def action(data):
        services.log_contact(
            request.actor,
            case,
            channel=data["channel"],
            at=data["at"],
            note=data["note"],
            request_token=data["request_token"],
        )

    if submit(request, form, action, _("Contact logged.")):
        return redirect("case_detail", ref=case.ref)
    return _rerender(request, case, contact_form=form)


@require_POST
def case_note(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not rules.can_log_contact(request.actor, case):
        raise Http404
    form = NoteForm(request.POST, groups=rules.groups_for(request.actor, case))

    def action(data):
        services.add_note(request.actor, case, text=data["text"], group=data["group"])

    if submit(request, form, action, _("Note added.")):
        return redirect("case_detail", ref=case.ref)
    return _rerender(request, case, note_form=form)


def case_participant_add(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not rules.can_edit_case(request.actor, case):
        raise Http404
    form = ParticipantForm(request.POST or None, case=case)

    def action(data):
        services.add_participant(
            request.actor,
            case,
            organisation=data["organisation"],
            role=data["role"],
            groups=data["groups"],
            basis=data["basis"],
            consent_date=data.get("consent_date"),
            legal_basis=data.get("legal_basis") or "",
        )

    if submit(request, form, action, _("Participant added.")):
        return redirect("case_detail", ref=case.ref)
    context = {"case": case_view(request, case).summary, "form": form}
    return render(request, "www/cases/participant_add.html", context)


@require_POST
def case_sharing_refused(request, ref):
    """The person refuses all sharing: recorded, and counted anonymously by the coordination."""
    case = get_case_or_404(request.actor, ref)
    if not rules.can_edit_case(request.actor, case):
        raise Http404
    sharing_refusal.record_refusal(request.actor, case)
    messages.success(
        request,
        _("Recorded. The coordination is told, with nothing that identifies the person."),
    )
    return redirect("case_detail", ref=case.ref)


@require_POST
def case_participant_end(request, ref, pk):
    case = get_case_or_404(request.actor, ref)
    if not rules.can_edit_case(request.actor, case):
        raise Http404
    participant = Participant.objects.filter(case=case, pk=pk, active=True).first()
    if participant is None:
        raise Http404
    services.end_participant(request.actor, participant)
    messages.success(request, _("Participant removed: it no longer sees this case."))
    return redirect("case_detail", ref=case.ref)


@require_POST
def case_task_add(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not tasks.can_add_task(request.actor, case):
        raise Http404
    form = TaskForm(request.POST, case=case, groups=rules.groups_for(request.actor, case))

    def action(data):
        tasks.add_task(
            request.actor,
            case,
            title=data["title"],
            owner_org=data["owner_org"],
            due_on=data["due_on"],
        )

    if submit(request, form, action, _("Task added.")):
        return redirect("case_detail", ref=case.ref)
    return _rerender(request, case, task_form=form)


@require_POST
def case_task_done(request, ref, pk):
    case = get_case_or_404(request.actor, ref)
    task = case.tasks.filter(pk=pk).first()
    if task is None or not tasks.can_close_task(request.actor, task):
        raise Http404
    tasks.close_task(request.actor, task)
    messages.success(request, _("Task done."))
    return redirect("case_detail", ref=case.ref)


@require_POST
def case_appointment_add(request, ref):
    case = get_case_or_404(request.actor, ref)
    if not appointments.can_plan(request.actor, case):
        raise Http404
    form = AppointmentForm(
        request.POST,
        case=case,
        groups=rules.groups_for(request.actor, case),
        can_override=shelter_rules.can_override(request.actor, case),
    )

    def action(data):
        commune = data["commune"]  # its point decides where the place is (shelter.safety)
        appointments.plan(
            request.actor,
            case,
            at=data["at"],
            purpose=data["purpose"],
            place=data["place"],
            attendees=data["attendees"],
            departement=commune.departement if commune else "",
            lat=commune.lat if commune else None,
            lon=commune.lon if commune else None,
            override_reason=data.get("override_reason", ""),
        )

    if submit(request, form, action, _("Appointment planned.")):
        return redirect("case_detail", ref=case.ref)
    return _rerender(request, case, appointment_form=form)


@require_POST
def case_fact(request, ref):
    """Answer one question about the person's situation; the rights are evaluated again."""
    case = get_case_or_404(request.actor, ref)
    if not rights.can_record_facts(request.actor, case):
        raise Http404
    form = FactForm(request.POST)

    def action(data):
        return rights.record_fact(request.actor, case, data["name"], data["value"])

    if submit(request, form, action, _("Answer recorded: the rights are evaluated again.")):
        return redirect(reverse("case_detail", kwargs={"ref": case.ref}) + "?ouvrir=rights#rights")
    return _rerender(request, case, fact_form=form)
