"""Letters about refusals, from the case page (thin: the rules and the writes are in
``parcours.rights.letters``)."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.access.redaction import case_view
from parcours.access.shortcuts import get_case_or_404
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError
from parcours.core.groups import FieldGroup
from parcours.rights import letters, services
from parcours.rights.models import Letter
from parcours.www.common.submit import submit
from parcours.www.rights.forms import LetterAnswerForm, LetterForm


def _letter_or_404(request, ref, pk):
    case = get_case_or_404(request.actor, ref)
    letter = Letter.objects.filter(case=case, pk=pk).select_related("recipient").first()
    if letter is None or not letters.may_read(request.actor, letter):
        raise Http404
    letter.case = case
    return case, letter


@require_POST
def case_letter_new(request, ref):
    actor = request.actor
    case = get_case_or_404(actor, ref)
    if not services.can_record_facts(actor, case):
        raise Http404
    form = LetterForm(request.POST)

    def action(data):
        found = services.rights_of(case)
        findings, referrals = found.findings, found.referrals
        wanted = [
            offer
            for offer in letters.offers(actor, case, referrals, findings)
            if offer.kind == data["kind"] and offer.referral_ref == (data["referral"] or "")
        ]
        if not wanted:
            raise DomainError(_("No such letter can be written for this case now."))
        return letters.write(
            actor, case, wanted[0], names_the_person=data["names_the_person"], referrals=referrals
        )

    if done := submit(
        request, form, action, _("Letter written: download it, send it, then record the answer.")
    ):
        return redirect("case_letter", ref=case.ref, pk=done.value.pk)
    from django.contrib import messages

    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("case_detail", ref=case.ref)


def _page(request, case, letter, form=None, status=200):
    groups = [FieldGroup.IDENTITY] if letter.names_the_person else []
    record(request.actor, Action.LETTER_VIEW, case, groups=groups, reason=str(letter.pk))
    context = {
        "case": case_view(request, case).summary,
        "letter": letter,
        "recipient": letter.recipient.name,
        "form": form or LetterAnswerForm(),
    }
    return render(request, "www/rights/letter.html", context, status=status)


def case_letter(request, ref, pk):
    case, letter = _letter_or_404(request, ref, pk)
    return _page(request, case, letter)


def case_letter_pdf(request, ref, pk):
    case, letter = _letter_or_404(request, ref, pk)
    groups = [FieldGroup.IDENTITY] if letter.names_the_person else []
    record(request.actor, Action.LETTER_VIEW, case, groups=groups, reason=str(letter.pk))
    response = HttpResponse(letters.pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="courrier-{case.ref}-{letter.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def case_letter_answer(request, ref, pk):
    case, letter = _letter_or_404(request, ref, pk)
    form = LetterAnswerForm(request.POST)

    def action(data):
        return letters.record_answer(request.actor, letter, data["answer"])

    if submit(request, form, action, _("Answer recorded.")):
        return redirect("case_letter", ref=case.ref, pk=letter.pk)
    return _page(request, case, letter, form=form, status=400)
