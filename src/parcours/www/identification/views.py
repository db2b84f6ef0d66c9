"""Indicator screening pages (thin: the rules and the writes are in
``parcours.identification.screening``, the qualification in ``identification.qualification``).
Outside the case's scope, or for a screening the reader may not read, every page is a 404."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parcours.access.redaction import case_view
from parcours.access.shortcuts import get_case_or_404
from parcours.identification import indicators, screening
from parcours.identification.models import Screening
from parcours.identification.qualification import ANSWER_LABELS
from parcours.www.common.submit import submit
from parcours.www.identification.forms import ScreeningForm, StartScreeningForm


def case_screenings(request, ref):
    """The screenings of the case the reader may read, and a button to start one."""
    actor = request.actor
    case = get_case_or_404(actor, ref)
    if not screening.can_screen(actor, case):
        raise Http404
    form = StartScreeningForm(request.POST if request.method == "POST" else None)

    def action(_data):
        return screening.start(actor, case)

    if done := submit(request, form, action, _("Screening open: save the draft at any time.")):
        return redirect("case_screening", ref=case.ref, pk=done.value.pk)
    view = case_view(request, case)
    screening.journal_read(actor, case)
    context = {"case": view.summary, "screenings": screening.lines(view), "form": form}
    return render(request, "www/identification/list.html", context)


def _screening_or_404(actor, case, pk) -> Screening:
    found = Screening.objects.filter(case=case, pk=pk).first()
    if found is None or not screening.can_read(actor, found, case):
        raise Http404
    found.case = case
    return found


def _answered(catalogue, answers):
    """(category, [(indicator, answer label)]) for a screening shown without its form."""
    return [
        (
            category,
            [(item, ANSWER_LABELS.get(answers.get(item.id), "")) for item in items],
        )
        for category, items in catalogue.grouped()
    ]


def _changed_meanwhile(catalogue, saved, posted) -> list[tuple[str, str]]:
    """Indicators whose saved answer is not the one on the page (after a refused stale save)."""
    return [
        (str(item.text), str(ANSWER_LABELS[saved[item.id]]))
        for item in catalogue
        if saved.get(item.id) and saved.get(item.id) != posted.get(item.id)
    ]


def case_screening(request, ref, pk):
    """The guided form (a draft of the reader's organisation), or the screening as answered;
    the qualification of the saved answers, with its reasons and recommendation."""
    actor = request.actor
    case = get_case_or_404(actor, ref)
    found = _screening_or_404(actor, case, pk)
    catalogue = indicators.version(found.catalogue_version)
    editable = screening.can_edit(actor, found, case)
    form = ScreeningForm(
        request.POST if request.method == "POST" else None,
        catalogue=catalogue,
        answers=found.answers,
        initial={"notes": found.notes, "version": found.version},
    )
    changed = []
    if request.method == "POST":
        completing = request.POST.get("action") == "complete"

        def action(data):
            write = screening.complete if form.completing() else screening.save_draft
            return write(
                actor,
                found,
                answers=form.answers(),
                notes=data["notes"],
                expected_version=data["version"],
            )

        success = (
            _("Screening completed: its recommendation is recorded.")
            if completing
            else _("Draft saved.")
        )
        if submit(request, form, action, success):
            return redirect(f"{request.path}#qualification")
        found = _screening_or_404(actor, case, pk)  # as saved, after the refusal
        posted_version = getattr(form, "cleaned_data", {}).get("version")
        if posted_version is not None and posted_version != found.version:
            changed = _changed_meanwhile(catalogue, found.answers or {}, form.answers())
        editable = screening.can_edit(actor, found, case)
    view = case_view(request, case)
    screening.journal_read(actor, case, found)
    context = {
        "case": view.summary,
        "screening": found,
        "organisation": view.org_label(found.organisation_id),
        "qualification": screening.qualification_of(found, case, reader=request.actor)
        if found.answers
        else None,
        "form": form if editable else None,
        "answered": None if editable else _answered(catalogue, found.answers or {}),
        "version": found.version,
        "changed_meanwhile": changed,
        "errors": form.non_field_errors() if form.is_bound else [],
        "unverified": len(catalogue.unverified()),
    }
    return render(
        request,
        "www/identification/screening.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
