"""Case-conference pages: the section of the case page, convene, the conference page, the
person's consent, recording attendance and decisions, cancelling, and the minutes (PDF). Thin:
rules and writes live in parcours.conferences. Outside the case's scope, every page is a 404."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.access.redaction import case_view
from parcours.access.shortcuts import get_case_or_404
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.tasks import owner_choices
from parcours.conferences import minutes, reading, services
from parcours.conferences import rules as conference_rules
from parcours.conferences.enums import ConferenceStatus
from parcours.conferences.models import Conference
from parcours.www.common.submit import submit
from parcours.www.conferences.forms import (
    CancelForm,
    ConferenceConsentForm,
    ConveneForm,
    RecordForm,
)


def case_conference_context(view) -> dict:
    """Context keys of the case page, from the redaction object: the case's conferences and
    whether the reader may convene one."""
    return {
        "conferences": view.conferences(),
        "can_convene_conference": conference_rules.can_convene(view.actor, view.case),
    }


def _get_conference_or_404(actor, ref, pk):
    case = get_case_or_404(actor, ref)
    conference = (
        Conference.objects.filter(case=case, pk=pk)
        .select_related("convened_by_org", "consent")
        .first()
    )
    if conference is None or not conference_rules.can_view_conference(actor, conference):
        raise Http404
    conference.case = case
    return conference


def conference_new(request, ref):
    """Convene a conference: date, place, invited organisations and the agenda."""
    actor = request.actor
    case = get_case_or_404(actor, ref)
    if not conference_rules.can_convene(actor, case):
        raise Http404
    view = case_view(request, case)
    groups = view.groups
    form = ConveneForm(request.POST or None, case=case, groups=groups)

    def action(data):
        return services.convene(
            actor,
            case,
            at=data["at"],
            place=data["place"],
            agenda=form.agenda(),
            invited=list(data["invited"]),
            person_invited=data["person_invited"],
        )

    success = _("Case conference convened; the invited organisations are told.")
    if done := submit(request, form, action, success):
        return redirect("conference_detail", ref=case.ref, pk=done.value.pk)
    # The form lists who takes part in the case: a read of the case, journaled.
    record(actor, Action.VIEW_CASE, case, groups=groups, reason="conference:new")
    return render(request, "www/conferences/new.html", {"case": view.summary, "form": form})


def _detail_context(request, conference, cancel_form=None):
    """The conference page, from the redaction object only."""
    actor = request.actor
    view = case_view(request, conference.case)
    detail = view.conference(conference)
    planned = conference.status == ConferenceStatus.PLANNED
    can_manage = conference_rules.can_manage_conference(actor, conference)
    return {
        "case": view.summary,
        "conference": detail,
        "groups": view.groups,
        "can_record_consent": planned
        and detail.consent is None
        and conference_rules.can_record_consent(actor, conference),
        "can_record": planned and can_manage,
        "cancel_form": (cancel_form or CancelForm(initial={"version": conference.version}))
        if planned and can_manage
        else None,
        "can_read_minutes": conference.status == ConferenceStatus.HELD
        and conference_rules.can_read_minutes(actor, conference),
    }


def _journal_view(actor, conference, groups):
    record(
        actor,
        Action.CONFERENCE_VIEW,
        conference.case,
        groups=groups,
        reason=f"conference:{conference.pk}",
    )


def conference_detail(request, ref, pk):
    """The conference: when, who, consent, agenda and decisions within the reader's groups."""
    actor = request.actor
    conference = _get_conference_or_404(actor, ref, pk)
    context = _detail_context(request, conference)
    _journal_view(actor, conference, context["groups"])
    return render(request, "www/conferences/detail.html", context)


def conference_consent(request, ref, pk):
    """The referent records the person's consent to their situation being discussed."""
    actor = request.actor
    conference = _get_conference_or_404(actor, ref, pk)
    if not conference_rules.can_record_consent(actor, conference):
        raise Http404
    if conference.status != ConferenceStatus.PLANNED or hasattr(conference, "consent"):
        messages.info(request, _("The consent can no longer be recorded for this conference."))
        return redirect("conference_detail", ref=conference.case.ref, pk=conference.pk)
    form = ConferenceConsentForm(request.POST or None, initial={"version": conference.version})

    def action(data):
        services.record_consent(
            actor,
            conference,
            given_on=data["given_on"],
            how=data["how"],
            language=data["language"],
            interpreter=data["interpreter"],
            expected_version=data["version"],
        )

    if submit(request, form, action, _("Consent recorded.")):
        return redirect("conference_detail", ref=conference.case.ref, pk=conference.pk)
    view = case_view(request, conference.case)
    context = {"case": view.summary, "conference": view.conference(conference), "form": form}
    return render(request, "www/conferences/consent.html", context)


def conference_record(request, ref, pk):
    """Record who attended and the decisions; each decision becomes a task."""
    actor = request.actor
    conference = _get_conference_or_404(actor, ref, pk)
    if not conference_rules.can_manage_conference(actor, conference):
        raise Http404
    case = conference.case
    if conference.status != ConferenceStatus.PLANNED:
        messages.info(request, _("This conference is no longer planned."))
        return redirect("conference_detail", ref=case.ref, pk=conference.pk)
    view = case_view(request, case)
    groups = view.groups
    form = RecordForm(
        request.POST or None,
        initial={"version": conference.version},
        invited=reading.invited_organisations(view, conference),
        owners=owner_choices(case, groups),
        groups=groups,
    )

    def action(data):
        services.record_conference(
            actor,
            conference,
            attended=list(data["attended"]),
            person_attended=data["person_attended"],
            decisions=form.decisions(),
            expected_version=data["version"],
        )

    if submit(request, form, action, _("Conference recorded; each decision is now a task.")):
        return redirect("conference_detail", ref=case.ref, pk=conference.pk)
    context = {"case": view.summary, "conference": view.conference(conference), "form": form}
    _journal_view(actor, conference, groups)
    return render(request, "www/conferences/record.html", context)


@require_POST
def conference_cancel(request, ref, pk):
    actor = request.actor
    conference = _get_conference_or_404(actor, ref, pk)
    if not conference_rules.can_manage_conference(actor, conference):
        raise Http404
    form = CancelForm(request.POST)

    def action(data):
        services.cancel(actor, conference, reason=data["reason"], expected_version=data["version"])

    if submit(request, form, action, _("Conference cancelled; the invited are told.")):
        return redirect("conference_detail", ref=conference.case.ref, pk=conference.pk)
    case = conference.case
    conference.refresh_from_db()
    conference.case = case
    context = _detail_context(request, conference, cancel_form=form)
    _journal_view(actor, conference, context["groups"])
    return render(request, "www/conferences/detail.html", context, status=400)


def conference_minutes(request, ref, pk):
    """The minutes (PDF, in French) of a held conference, for the reader's groups only."""
    actor = request.actor
    conference = _get_conference_or_404(actor, ref, pk)
    if conference.status != ConferenceStatus.HELD:
        raise Http404
    if not conference_rules.can_read_minutes(actor, conference):
        raise Http404
    filename, pdf = minutes.minutes_for(actor, conference)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
