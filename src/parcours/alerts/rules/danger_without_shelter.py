"""A person assessed in critical danger is still without a safe place H hours later (default
24): the latest assessment of the case says "critical" and no placement has her arrived."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import WATCHED, Alert, Rule, threshold, within
from parcours.core.groups import FieldGroup
from parcours.shelter.enums import PlacementStatus, RiskLevel
from parcours.shelter.models import Placement, RiskAssessment

CODE = "danger_without_shelter"


def find(now: datetime.datetime, cases=None):
    hours = threshold(CODE)["hours"]
    later = RiskAssessment.objects.filter(case=OuterRef("case"), assessed_at__gt=OuterRef(
        "assessed_at"))  # fmt: skip
    arrived = Placement.objects.filter(case=OuterRef("case"), status=PlacementStatus.ARRIVED)
    critical = (
        within(RiskAssessment.objects, cases)
        .filter(level=RiskLevel.CRITICAL, case__status__in=WATCHED, assessed_at__lte=now)
        .filter(~Exists(later), ~Exists(arrived))
    )
    delay = datetime.timedelta(hours=hours)
    for case_id, at in critical.values_list("case_id", "assessed_at"):
        if at + delay <= now:
            yield Alert(CODE, case_id, "", at + delay, {"hours": hours})


def detail(params: dict) -> str:
    hours = params["hours"]
    return ngettext(
        "Without a safe place for more than %(hours)d hour",
        "Without a safe place for more than %(hours)d hours",
        hours,
    ) % {"hours": hours}


RULE = Rule(
    CODE,
    find,
    urgency=0,
    title=_("In critical danger, still without a safe place"),
    groups=frozenset({FieldGroup.SAFETY}),
    detail=detail,
)
