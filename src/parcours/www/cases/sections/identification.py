"""Identification (issue 13): the stages reached and by whom, the reflection period (its end,
the days left, whether the person was informed), the forms of exploitation, and for a minor
the child-protection route. Shown to readers who see the justice group; the minor's route
also needs the identity group (the age). Organisations are named by the redaction object."""

from django.utils import timezone

from parcours.core.groups import FieldGroup
from parcours.identification import exploitation, minors, reflection, screening, stages
from parcours.referrals.enums import ServiceKind
from parcours.www.cases.identification_forms import (
    ExploitationFormsForm,
    MinorityClaimForm,
    MinorityDecisionForm,
    ReflectionInformationForm,
    StageForm,
)

KINDS = dict(ServiceKind.choices)


def _minor_route(view, forms) -> dict | None:
    if not view.sees(FieldGroup.IDENTITY):
        return None
    case = view.case
    claim = minors.claim_of(case)
    minor = minors.treated_as_minor(case, claim)
    editable = view.editable
    route = {
        "minor": minor,
        "claim": claim,
        "notice_on": minors.transition_notice_on(case.person) if minor else None,
        "services": [(kind, KINDS[kind]) for kind in minors.CHILD_PROTECTION_ROUTE],
        "departement": case.referent_org.departement,
        "claim_form": None,
        "decision_form": None,
    }
    if editable and claim is None and not minor:
        route["claim_form"] = forms.get("minority_claim_form") or MinorityClaimForm(
            initial={"claimed_on": timezone.localdate()}
        )
    if editable and claim is not None and not claim.decision:
        route["decision_form"] = forms.get("minority_decision_form") or MinorityDecisionForm()
    return route


def _screening(view) -> dict:
    """The newest indicator screening the reader may read, its recommendation, and whether the
    reader may start one (``identification.screening``)."""
    latest = screening.latest_for(view.actor, view.case)
    if latest is not None:
        screening.journal_read(view.actor, view.case, latest.screening)
    return {"latest": latest, "can_start": screening.can_screen(view.actor, view.case)}


def context(view, forms) -> dict:
    case = view.case
    screens = screening.can_screen(view.actor, case)
    if not stages.can_read_stages(view.actor, case):
        if not screens:
            return {"identification": None}
        return {"identification": {"screening": _screening(view), "justice": False}}
    reached = stages.stages_of(case)
    period = reflection.period_of(case, reached)
    today = timezone.localdate()
    can_record = stages.can_record_stage(view.actor, case)
    chosen = exploitation.forms_of(case)
    identification = {
        "stages": [
            {
                "code": code,
                "label": stage.get_code_display(),
                "on": stage.on,
                "by": view.org_label(stage.organisation),
                "note": stage.note,
            }
            for code, stage in reached.items()
        ],
        "period": period,
        "days_left": period.days_left(today) if period else None,
        "period_days": reflection.period_days(),
        "forms": chosen,
        "minor_route": _minor_route(view, forms),
        "screening": _screening(view) if screens or view.is_referent else None,
        "justice": True,
        "stage_form": None,
        "information_form": None,
        "forms_form": None,
    }
    if can_record:
        identification["stage_form"] = forms.get("stage_form") or StageForm(
            initial={"on": today}, case=case, actor=view.actor
        )
        identification["forms_form"] = forms.get("forms_form") or ExploitationFormsForm(
            initial={
                "fingerprint": exploitation.fingerprint(case, found=chosen),
                "chosen": [form.code for form, _s in chosen]
                + [f"{form.code}:{s.code}" for form, subs in chosen for s in subs],
            }
        )
        if period is not None:
            identification["information_form"] = forms.get(
                "information_form"
            ) or ReflectionInformationForm(initial={"given_on": today})
    return {"identification": identification}
