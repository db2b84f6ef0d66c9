"""The person's rights (``parcours.rights``): the findings on refusals first (possibly contrary
to an article, or a question to answer first), then each right with its state, dates, missing
prerequisites and ways out, and the questions whose answers would decide the unknown ones.

Shown to the referent's caseworkers and managers only for now: they see every field group, and
the facts of the rights span several (a participant would need the rights filtered by the
groups of their facts, later).
"""

from parcours.rights import services
from parcours.rights.evaluation import ELIGIBLE, GRANTED, NOT_ELIGIBLE, REFUSED, REQUESTED, UNKNOWN
from parcours.www.cases.forms import FactForm

ORDER = (ELIGIBLE, REQUESTED, GRANTED, REFUSED, UNKNOWN, NOT_ELIGIBLE)


def context(view, forms) -> dict:
    if not services.can_record_facts(view.actor, view.case):
        return {"rights": None}
    verdicts, findings = services.review_case(view.case)
    questions = {}
    for verdict in verdicts.values():
        for fact in verdict.missing:
            questions.setdefault(fact.name, fact)
    ordered = sorted(verdicts.values(), key=lambda v: (ORDER.index(v.state), str(v.right.name)))
    return {
        "rights": {
            "findings": findings,
            "verdicts": ordered,
            "questions": list(questions.values()),
            "to_act": len(findings) + sum(1 for v in ordered if v.state == ELIGIBLE),
        },
        "fact_form": forms.get("fact_form") or FactForm(),
    }
