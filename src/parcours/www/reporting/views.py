"""The reporting journey: the public page (no account: a report, then its receipt number) and
the territorial coordinator's triage (the queue, a report, a case opened from it or the report
closed). Thin: the rules live in ``parcours.reporting``."""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.audit.journal import record
from parcours.reporting import limits, submit, triage
from parcours.reporting.enums import CloseReason, ReportAction, ReportStatus
from parcours.reporting.models import SEEN_MAX_CHARS
from parcours.www.common.submit import submit as run
from parcours.www.reporting.forms import CloseForm, OpenCaseForm, ReportForm

RECEIPT_SALT = "parcours.reporting.receipt"
PER_PAGE = 50


def _too_many(request):
    """The polite refusal of a flood: nothing was saved, come back later."""
    context = {
        "limit": limits.limit(),
        "minutes": int(limits.window().total_seconds() // 60),
    }
    return render(request, "www/reporting/too_many.html", context, status=429)


@login_not_required
def report_new(request):
    """The public page: what was seen, where, how to reach the reporter (optional). Works
    without JavaScript; a refused flood answers 429; the receipt comes on its own page."""
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        address = limits.client_address(request)
        if limits.exhausted(address):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ref = submit.receive(
                    address=address,
                    commune=data["commune"],
                    seen=data["seen"],
                    contact=data["contact"],
                    token=data["token"],
                    trap=form.trapped,
                )
            except submit.TooManyReports:
                return _too_many(request)
            return redirect("report_receipt", token=signing.dumps(ref, salt=RECEIPT_SALT))
        status = 400
    context = {"form": form, "max_chars": SEEN_MAX_CHARS}
    return render(request, "www/reporting/new.html", context, status=status)


@login_not_required
def report_receipt(request, token):
    """The receipt: the report's number, nothing else (the link is signed by the page that
    received it, so nobody makes this page say that an invented number was received)."""
    try:
        ref = signing.loads(token, salt=RECEIPT_SALT)
    except signing.BadSignature:
        raise Http404 from None
    return render(request, "www/reporting/receipt.html", {"ref": ref})


def report_queue(request):
    """The territorial coordinator's reports: those to triage first, the oldest first."""
    actor = request.actor
    if not triage.can_triage(actor):
        raise Http404
    page = Paginator(triage.queue(actor), PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"report": r, "commune": triage.commune_label(r)} for r in page]
    triage.journal_listed(actor, page.object_list)
    context = {
        "page": page,
        "rows": rows,
        "pending": triage.queue(actor).filter(status=ReportStatus.NEW).count(),
    }
    return render(request, "www/reporting/queue.html", context)


def _detail(request, report, *, open_form=None, close_form=None, status=200):
    actor = request.actor
    organisations = triage.referent_choices(actor, report)
    context = {
        "report": report,
        "commune": triage.commune_label(report),
        "pending": report.status == ReportStatus.NEW,
        "reasons": dict(CloseReason.choices),
        "open_form": open_form or OpenCaseForm(organisations=organisations),
        "close_form": close_form or CloseForm(),
    }
    record(actor, ReportAction.VIEW, report)
    return render(request, "www/reporting/detail.html", context, status=status)


def report_detail(request, pk):
    """One report, and while it waits the two ways out: a case for a referent organisation of
    the département, or closed with a reason."""
    actor = request.actor
    if not triage.can_triage(actor):
        raise Http404
    return _detail(request, triage.get_report_or_404(actor, pk))


@require_POST
def report_open_case(request, pk):
    actor = request.actor
    if not triage.can_triage(actor):
        raise Http404
    report = triage.get_report_or_404(actor, pk)
    form = OpenCaseForm(request.POST, organisations=triage.referent_choices(actor, report))

    def action(data):
        return triage.open_case(actor, report, data["organisation"], name=data["name"])

    if done := run(request, form, action, _("Case opened; the referent organisation is told.")):
        return redirect("case_detail", ref=done.value.ref)
    report.refresh_from_db()
    return _detail(request, report, open_form=form, status=400)


@require_POST
def report_close(request, pk):
    actor = request.actor
    if not triage.can_triage(actor):
        raise Http404
    report = triage.get_report_or_404(actor, pk)
    form = CloseForm(request.POST)

    def action(data):
        return triage.close(actor, report, reason=data["reason"], note=data["note"])

    if run(request, form, action, _("Report closed.")):
        return redirect("report_queue")
    report.refresh_from_db()
    return _detail(request, report, close_form=form, status=400)
