"""The person's rights (``parcours.rights``): the findings on refusals first (possibly contrary
to an article, or a question to answer first), then each right with its state, dates, missing
prerequisites and ways out, and the questions whose answers would decide the unknown ones.

Shown to the referent's caseworkers and managers only for now: they see every field group, and
the facts of the rights span several (a participant would need the rights filtered by the
groups of their facts, later).
"""

from django.utils.translation import gettext_lazy as _

from parcours.identification import sheet
from parcours.referrals.enums import Requirement, ServiceKind
from parcours.rights import letters, services
from parcours.rights.blocking import STUCK_EXPIRED, STUCK_OVERDUE, STUCK_REFUSED
from parcours.rights.evaluation import ELIGIBLE, GRANTED, NOT_ELIGIBLE, REFUSED, REQUESTED, UNKNOWN
from parcours.rights.models import Letter
from parcours.www.cases.forms import FactForm
from parcours.www.rights import diagram

KINDS = dict(ServiceKind.choices)
NEEDS = dict(Requirement.choices)


def _offers(found) -> list[dict]:
    return [
        {
            "kind": offer.service_kind,
            "right": offer.right_id,
            "label": KINDS.get(offer.service_kind, ""),
            "note": offer.note,
        }
        for offer in found.ways_out
    ]


def _steps(edges) -> list[dict]:
    return [
        {"need": KINDS.get(e.need, e.need), "requirement": NEEDS.get(e.requirement, "")}
        for e in edges
    ]


def _cycle(cycle) -> dict:
    """A blocked pathway in words and in a drawing: each service and what it waits for."""
    steps = _steps(cycle.edges)
    return {
        "steps": steps,
        "diagram": diagram.draw(
            [s["need"] for s in steps], [s["requirement"] for s in steps], closed=True
        ),
        "ways_out": _offers(cycle),
    }


STUCK = {
    STUCK_REFUSED: _("Refused"),
    STUCK_EXPIRED: _("Expired without answer"),
    STUCK_OVERDUE: _("No answer past its delay"),
}


def _chain(chain) -> dict:
    """Requests waiting, one on the next, on a stuck one."""
    steps = _steps(chain.edges)
    stuck = KINDS.get(chain.stuck, chain.stuck)
    why = STUCK[chain.why]
    return {
        "steps": steps,
        "stuck": stuck,
        "why": why,
        "diagram": diagram.draw(
            [s["need"] for s in steps] + [stuck],
            [s["requirement"] for s in steps],
            closed=False,
            stuck=str(why),
        ),
        "ways_out": _offers(chain),
    }


ORDER = (ELIGIBLE, REQUESTED, GRANTED, REFUSED, UNKNOWN, NOT_ELIGIBLE)


def context(view, forms) -> dict:
    if not services.can_record_facts(view.actor, view.case):
        return {"rights": None}
    found = services.rights_of(view.case)
    verdicts, findings, referrals = found.verdicts, found.findings, found.referrals
    offers = letters.offers(view.actor, view.case, referrals, findings)
    written = list(
        Letter.objects.filter(case=view.case)
        .select_related("recipient")
        .only("pk", "kind", "created_at", "answered_at", "recipient__name", "names_the_person")
    )
    asked = {fact.name for finding in findings for fact in finding.questions}
    questions = {}
    for verdict in verdicts.values():
        for fact in verdict.missing:
            if fact.name not in asked:
                questions.setdefault(fact.name, fact)
    names = {right_id: str(verdict.right.name) for right_id, verdict in verdicts.items()}
    for verdict in verdicts.values():
        verdict.prerequisites_missing = [names[r] for r in verdict.prerequisites_missing]
    ordered = sorted(verdicts.values(), key=lambda v: (ORDER.index(v.state), str(v.right.name)))
    return {
        "rights": {
            "findings": findings,
            "verdicts": ordered,
            "questions": list(questions.values()),
            "cycles": [
                {**_cycle(cycle), "id": f"cycle-{i}"} for i, cycle in enumerate(found.cycles)
            ],
            "chains": [
                {**_chain(chain), "id": f"chain-{i}"} for i, chain in enumerate(found.chains)
            ],
            "offers": offers,
            "letters": written,
            "departement": view.case.referent_org.departement,
            "sheet_languages": sheet.languages(),
            "sheets": sheet.given(view.case),
            "to_act": len(findings)
            + len(found.cycles)
            + len(found.chains)
            + sum(1 for v in ordered if v.state == ELIGIBLE),
        },
        "fact_form": forms.get("fact_form") or FactForm(),
    }
