"""The sheet of the person's rights and time limits (issue 13, item 6): a printable PDF in the
language the person reads, built from the rights catalogue and the case's verdicts, and the
record that it was given.

The sheet names no one: it carries the case's reference and the referent organisation, since a
paper found on the person must not tell the exploiters anything more. Its frame is translated
with gettext (``locale/<language>/``: a new language is a translation file and an entry of
``settings.LANGUAGES``); the rights' names and summaries come from the catalogue, in French or
English (other languages read the English until the catalogue holds them).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.pdf import render_pdf
from parcours.identification import reflection
from parcours.identification.models import InformationSheet

TEMPLATE = "www/cases/rights_sheet.html"
SHOWN = ("granted", "requested", "eligible")  # then "unknown": ask your referent


def languages() -> list[tuple[str, str]]:
    """The sheet's languages, each named in itself (the person reads it)."""
    return [
        (code, translation.get_language_info(code)["name_local"].capitalize())
        for code, _name in settings.LANGUAGES
    ]


@dataclass(frozen=True)
class Line:
    name: str
    summary: str
    basis: str
    dates: list


def _line(verdict) -> Line:
    right = verdict.right
    return Line(
        name=str(right.name),
        summary=str(right.legal_basis.summary),
        basis=f"{right.legal_basis.code}, {right.legal_basis.article}",
        dates=[(str(limit.label), day) for limit, day in verdict.dates],
    )


def can_give(actor, case) -> bool:
    from parcours.rights.services import can_record_facts

    return can_record_facts(actor, case)


def render(case, language: str, today=None) -> bytes:
    """The sheet as PDF, in ``language``."""
    from parcours.rights.services import evaluate_case

    today = today or timezone.localdate()
    with translation.override(language):
        verdicts = evaluate_case(case, today=today)
        held = [_line(v) for v in verdicts.values() if v.state in SHOWN]
        to_ask = [_line(v) for v in verdicts.values() if v.state == "unknown"]
        period = reflection.period_of(case)
        html = render_to_string(
            TEMPLATE,
            {
                "language": language,
                "case_ref": case.ref,
                "referent": case.referent_org.name,
                "today": today,
                "rights": held,
                "to_ask": to_ask,
                "period": period,
            },
        )
    return render_pdf(html)


def give(actor, case, language: str) -> bytes:
    """Record that the sheet in ``language`` was given to the person, and return it."""
    if not can_give(actor, case):
        raise NotAllowed(_("Only the referent organisation gives this sheet."))
    if language not in dict(languages()):
        raise DomainError(_("Choose the language of the sheet."))
    with transaction.atomic():
        InformationSheet.objects.create(
            case=case,
            language=language,
            given_on=timezone.localdate(),
            organisation=actor.organisation,
            recorded_by=actor.user,
            recorded_at=timezone.now(),
        )
        record(actor, Action.SHEET_GIVEN, case, reason=language)
    return render(case, language)


def given(case) -> list[InformationSheet]:
    return list(InformationSheet.objects.filter(case=case))
