"""What the public page does with a report: the rate limit, the trap for robots, the report
stored (encrypted) and the territorial coordination told. The reporter gets a receipt number
and nothing else."""

import uuid

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.models import Organisation
from parcours.alerts.notify import notify
from parcours.audit.journal import record
from parcours.core.geography import departement_name
from parcours.core.roles import OrganisationKind
from parcours.reporting import limits
from parcours.reporting.enums import ReportAction
from parcours.reporting.models import Report, new_report_ref


class TooManyReports(Exception):
    """The address sent its share of reports for this window: nothing was saved."""


def receive(
    *,
    address: str,
    commune,
    seen: str,
    contact: str = "",
    token: uuid.UUID | None = None,
    trap: bool = False,
) -> str:
    """The one entry of the public page; answers the receipt number.

    A form posted again (same ``token``) gives the first receipt and counts nothing. Otherwise
    one report of ``address``'s share is counted (:class:`TooManyReports` when none is left);
    ``trap`` (the hidden field a person never fills was filled) answers a receipt as if received
    and stores nothing else. Windows that are over are purged on the way."""
    if token is not None:
        existing = Report.objects.filter(submit_token=token).values_list("ref", flat=True).first()
        if existing:
            return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            limits.purge(now)
            if not limits.take(address, now):
                raise TooManyReports
            if trap:
                return new_report_ref()
            report = file_report(commune=commune, seen=seen, contact=contact, token=token, now=now)
            return report.ref
    except IntegrityError:
        # The same form posted twice at once: the other post stored it; its receipt is ours.
        existing = Report.objects.filter(submit_token=token).values_list("ref", flat=True).first()
        if token is None or existing is None:
            raise
        return existing


def file_report(*, commune, seen: str, contact: str = "", token=None, now=None) -> Report:
    """Store a report for ``commune`` (a ``parcours.core.communes.Commune``), journal it and
    tell the territorial coordination of its département (the national coordination when the
    département has none yet, so that no report waits unseen)."""
    report = Report.objects.create(
        received_at=now or timezone.now(),
        departement=commune.departement,
        commune_code=commune.code,
        seen=seen.strip(),
        contact=(contact or "").strip(),
        submit_token=token,
    )
    record(None, ReportAction.SUBMIT, report)
    code = report.departement
    coordinations = list(
        Organisation.objects.filter(
            active=True, kind=OrganisationKind.TERRITORIAL_COORDINATOR, departement=code
        )
    )
    kind, link = "report_received", reverse("report_detail", kwargs={"pk": report.pk})
    if not coordinations:  # the national coordination reads no report: it is told to act
        kind, link = "report_without_coordination", ""
        coordinations = list(
            Organisation.objects.filter(active=True, kind=OrganisationKind.NATIONAL_COORDINATOR)
        )
    for organisation in coordinations:
        notify(
            kind,
            organisation,
            ref=report.ref,
            link=link,
            params={"departement": f"{departement_name(code)} ({code})"},
            dedup_key=f"report_received:{report.ref}:{organisation.pk}",
        )
    return report
