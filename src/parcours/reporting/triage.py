"""The territorial coordinator's triage of public reports: who triages which reports, the
queue, and the two ways out of it (a case opened for a referent organisation of the
département, or the report closed with a coded reason). Each act checks the rule, writes in
one transaction and journals what it did."""

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.accounts.models import Organisation
from parcours.alerts.notify import notify
from parcours.audit.journal import record, record_many
from parcours.cases import services as cases
from parcours.cases.enums import EventKind
from parcours.cases.timeline import add_event
from parcours.core import communes
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup
from parcours.core.roles import OrganisationKind
from parcours.reporting.enums import CloseReason, ReportAction, ReportStatus
from parcours.reporting.models import CLOSE_NOTE_MAX_CHARS, Report

# The opened case's intake token is derived from the report: opening it twice opens one case.
INTAKE_NAMESPACE = uuid.UUID("0b4f6a52-8a1e-4d55-9a57-2f7e4c1d9b30")


def triage_departement(actor) -> str:
    """The département whose public reports ``actor`` triages: that of their territorial
    coordination when they are its coordinator (``rules.is_coordinator``); "" for everybody
    else (the national coordination, other organisations, anonymous)."""
    if not rules.is_coordinator(actor):
        return ""
    if actor.organisation.kind != OrganisationKind.TERRITORIAL_COORDINATOR:
        return ""
    return actor.organisation.departement or ""


def can_triage(actor) -> bool:
    """Territorial coordinators triage the reports of their own département."""
    return bool(triage_departement(actor))


def queue(actor):
    """The reports ``actor`` triages: those to triage first, the oldest first within each."""
    pending_first = Case(
        When(status=ReportStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Report.objects.visible_to(actor)
        .select_related("case", "handled_by_org")
        .annotate(handled_rank=pending_first)
        .order_by("handled_rank", "received_at", "pk")
    )


def journal_listed(actor, reports) -> None:
    """One journal entry per report shown to ``actor`` (the list shows what each says)."""
    record_many(actor, ReportAction.LIST, [(report, None) for report in reports])


def get_report_or_404(actor, pk) -> Report:
    report = (
        Report.objects.visible_to(actor)
        .select_related("case", "case__referent_org", "handled_by", "handled_by_org")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def commune_label(report) -> str:
    commune = communes.by_code(report.commune_code)
    return commune.label if commune else report.commune_code


def referent_choices(actor, report):
    """The organisations of the report's département that may hold its case (not a coordination
    nor a facility: ``rules.may_hold_cases``), by name."""
    if report.departement != triage_departement(actor):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(active=True, departement=report.departement)
        .exclude(kind__in=rules.NOT_REFERENT_KINDS)
        .order_by("name")
    )


def _check(actor, report) -> None:
    if report.departement != triage_departement(actor):
        raise NotAllowed(_("Only the territorial coordination of the département triages it."))


def _mark_handled(actor, report, **changes) -> None:
    """Move the report out of the queue, unless someone else did it first (then nothing
    changes: the caller's transaction rolls back)."""
    now = timezone.now()
    moved = Report.objects.filter(pk=report.pk, status=ReportStatus.NEW).update(
        handled_at=now, handled_by=actor.user, handled_by_org=actor.organisation, **changes
    )
    if not moved:
        raise DomainError(
            _("This report was handled by someone else in the meantime: reload the page.")
        )
    report.refresh_from_db()


def _first_contact(report) -> str:
    """The case's opening line: which report, when, which commune (in the service's language).
    What the reporter wrote, and how to reach them, are not here: the opening event is read by
    every reader of the social group (``_reporter_note``)."""
    with translation.override(settings.LANGUAGE_CODE):
        received = date_format(timezone.localtime(report.received_at), "DATETIME_FORMAT")
        return _("Public report %(ref)s, received on %(date)s, commune: %(commune)s.") % {
            "ref": report.ref,
            "date": received,
            "commune": commune_label(report),
        }


def _reporter_note(report) -> str:
    """The reporter's words and contact, as a note of the safety group: they may name the
    exploiters or a place, and the reporter is not to be known to every partner of the case."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [report.seen]
        if report.contact:
            lines += ["", _("How to reach the reporter: %(contact)s") % {"contact": report.contact}]
    return "\n".join(lines)


def open_case(actor, report: Report, organisation, *, name: str = ""):
    """Open a case from ``report`` for ``organisation``, a referent of its département
    (``rules.can_open_case_for``): the person is known by ``name`` (an approximate name or a
    nickname) or, without one, by the alias "Signalement S-…"; the report's text is the opening
    event of the timeline. The organisation is told; the report leaves the queue."""
    _check(actor, report)
    if not rules.can_open_case_for(actor, organisation):
        raise NotAllowed(_("Choose an organisation of the département that may hold cases."))
    if report.status != ReportStatus.NEW:
        raise DomainError(_("This report was already handled."))
    name = " ".join((name or "").split())[:200]
    if not name:
        with translation.override(settings.LANGUAGE_CODE):
            name = _("Signalement %(ref)s") % {"ref": report.ref}
    with transaction.atomic():
        case = cases.open_case(
            actor,
            {"aliases": [name]},
            intake_token=uuid.uuid5(INTAKE_NAMESPACE, report.ref),
            first_contact=_first_contact(report),
            referent_org=organisation,
            origin={"report": report.ref},
        )
        add_event(
            case, actor, EventKind.NOTE, group=FieldGroup.SAFETY, summary=_reporter_note(report)
        )
        _mark_handled(actor, report, status=ReportStatus.CASE_OPENED, case=case)
        record(actor, ReportAction.OPEN_CASE, report, related=case)
        notify(
            "case_from_report",
            organisation,
            ref=case.ref,
            link=reverse("case_detail", kwargs={"ref": case.ref}),
            dedup_key=f"case_from_report:{report.ref}",
        )
    return case


def close(actor, report: Report, *, reason: str, note: str = "") -> Report:
    """Close ``report`` without a case, for a coded ``reason`` ("other" needs a ``note``)."""
    _check(actor, report)
    if reason not in CloseReason.values:
        raise DomainError(_("Choose why the report is closed."))
    note = (note or "").strip()
    if reason == CloseReason.OTHER and not note:
        raise DomainError(_("Say in the note why the report is closed."))
    if len(note) > CLOSE_NOTE_MAX_CHARS:
        raise DomainError(
            _("The note is too long: at most %(max)d characters.") % {"max": CLOSE_NOTE_MAX_CHARS}
        )
    if report.status != ReportStatus.NEW:
        raise DomainError(_("This report was already handled."))
    with transaction.atomic():
        _mark_handled(
            actor, report, status=ReportStatus.CLOSED, close_reason=reason, close_note=note
        )
        record(actor, ReportAction.CLOSE, report, reason=reason)
    return report
