"""The sheet of the person's rights and time limits (issue 13, item 6): a printable PDF in the
language the person reads, built from the rights catalogue and the case's verdicts, and the
record that it was given.

The sheet names no one: it carries the case's reference and the referent organisation, since a
paper found on the person must not tell the exploiters anything more; by default it does not
tell either that the police identified her or that she filed a complaint (``full`` does, when
the referent and the person choose it). Its frame is translated
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
# The facts a paper found on the person must not tell: that the police identified her, that she
# filed a complaint or testified, that someone was convicted. The neutral sheet (the default)
# leaves out the rights that rest on them and the reflection period.
COOPERATION_FACTS = frozenset({"identified_on", "complaint_or_testimony", "final_conviction"})
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


def tells_cooperation(right) -> bool:
    """Whether a right's conditions or dates rest on the police's or the courts' involvement."""
    from parcours.rights.catalogue import condition_names

    names = condition_names(right.conditions)
    names |= {limit.from_fact for limit in right.time_limits}
    from parcours.rights.facts import PREDICATES

    facts = set()
    for name in names:
        predicate = PREDICATES.get(name)
        facts |= set(predicate.needs) if predicate else {name}
    return bool(facts & COOPERATION_FACTS)


def render(case, language: str, today=None, *, full: bool = False) -> bytes:
    """The sheet as PDF, in ``language``; ``full`` adds what tells the police's or the courts'
    involvement (chosen by the referent, with the person)."""
    from parcours.rights.services import evaluate_case

    today = today or timezone.localdate()
    with translation.override(language):
        verdicts = [
            v
            for v in evaluate_case(case, today=today).values()
            if full or not tells_cooperation(v.right)
        ]
        held = [_line(v) for v in verdicts if v.state in SHOWN]
        to_ask = [_line(v) for v in verdicts if v.state == "unknown"]
        period = reflection.period_of(case) if full else None
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


def give(actor, case, language: str, *, full: bool = False) -> bytes:
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
        kind = "full" if full else "neutral"
        record(actor, Action.SHEET_GIVEN, case, reason=f"{language}:{kind}")
    return render(case, language, full=full)


def given(case) -> list[InformationSheet]:
    return list(InformationSheet.objects.filter(case=case))
