"""The person's rights (``parcours.rights``): the findings on refusals first (possibly contrary
to an article, or a question to answer first), then each right with its state, dates, missing
prerequisites and ways out, and the questions whose answers would decide the unknown ones.

Shown to the referent's caseworkers and managers only for now: they see every field group, and
the facts of the rights span several (a participant would need the rights filtered by the
groups of their facts, later).
"""

from parcours.referrals.enums import Requirement, ServiceKind
from parcours.rights import letters, services
from parcours.rights.evaluation import ELIGIBLE, GRANTED, NOT_ELIGIBLE, REFUSED, REQUESTED, UNKNOWN
from parcours.rights.models import Letter
from parcours.www.cases.forms import FactForm

KINDS = dict(ServiceKind.choices)
NEEDS = dict(Requirement.choices)


def _cycle(cycle) -> dict:
    """A blocked pathway in words: each service and what it waits for."""
    return {
        "steps": [
            {"need": KINDS.get(e.need, e.need), "requirement": NEEDS.get(e.requirement, "")}
            for e in cycle.edges
        ],
        "ways_out": [
            {
                "kind": offer.service_kind,
                "label": KINDS.get(offer.service_kind, ""),
                "note": offer.note,
            }
            for offer in cycle.ways_out
        ],
    }


ORDER = (ELIGIBLE, REQUESTED, GRANTED, REFUSED, UNKNOWN, NOT_ELIGIBLE)


def context(view, forms) -> dict:
    if not services.can_record_facts(view.actor, view.case):
        return {"rights": None}
    verdicts, findings, cycles, referrals = services.rights_of(view.case)
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
            "cycles": [_cycle(cycle) for cycle in cycles],
            "offers": offers,
            "letters": written,
            "departement": view.case.referent_org.departement,
            "to_act": len(findings) + len(cycles) + sum(1 for v in ordered if v.state == ELIGIBLE),
        },
        "fact_form": forms.get("fact_form") or FactForm(),
    }
