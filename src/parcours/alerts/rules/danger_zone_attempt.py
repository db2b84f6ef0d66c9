"""Someone tried to place the person inside one of her danger zones within the last D days
(default 7; ``shelter.DangerZoneRefusal``): the refusal protected her, and the referent (then the
coordination) should know who proposed it and why. One alert per case, open from the first
refusal of the window until D days after the last."""

import datetime

from django.db.models import Count, Max, Min
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import WATCHED, Alert, Rule, threshold, within
from parcours.core.groups import FieldGroup
from parcours.shelter.models import DangerZoneRefusal

CODE = "danger_zone_attempt"


def find(now: datetime.datetime, cases=None):
    days = threshold(CODE)["days"]
    recent = within(DangerZoneRefusal.objects, cases).filter(
        at__gt=now - datetime.timedelta(days=days), at__lte=now, case__status__in=WATCHED
    )
    rows = recent.values("case_id").annotate(first=Min("at"), last=Max("at"), n=Count("pk"))
    for row in rows.order_by():
        yield Alert(CODE, row["case_id"], "", row["first"], {"count": row["n"]})


def detail(params: dict) -> str:
    count = params["count"]
    return ngettext(
        "%(count)d proposal turned down by Parcours",
        "%(count)d proposals turned down by Parcours",
        count,
    ) % {"count": count}


RULE = Rule(
    CODE,
    find,
    urgency=0,
    title=_("A place inside a danger zone was proposed"),
    groups=frozenset({FieldGroup.SAFETY}),
    detail=detail,
)
