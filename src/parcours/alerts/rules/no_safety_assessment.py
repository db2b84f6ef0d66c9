"""A case opened H hours ago (default 48) has no safety assessment yet: a person whose danger
nobody assessed is never ranked or placed, so the gap is said."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import WATCHED, Alert, Rule, threshold, within
from parcours.cases.models import Case
from parcours.core.groups import FieldGroup
from parcours.shelter.models import RiskAssessment

CODE = "no_safety_assessment"


def find(now: datetime.datetime, cases=None):
    hours = threshold(CODE)["hours"]
    delay = datetime.timedelta(hours=hours)
    assessed = RiskAssessment.objects.filter(case=OuterRef("pk"))
    unassessed = within(Case.objects, cases, "pk").filter(
        status__in=WATCHED, opened_at__lte=now - delay
    )
    for case_id, opened in unassessed.filter(~Exists(assessed)).values_list("pk", "opened_at"):
        yield Alert(CODE, case_id, "", opened + delay, {"hours": hours})


def detail(params: dict) -> str:
    hours = params["hours"]
    return ngettext(
        "Case open for more than %(hours)d hour", "Case open for more than %(hours)d hours", hours
    ) % {"hours": hours}


RULE = Rule(
    CODE,
    find,
    urgency=2,
    title=_("No safety assessment yet"),
    groups=frozenset({FieldGroup.SAFETY}),
    detail=detail,
)
