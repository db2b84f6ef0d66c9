"""The same kind of service refused the person N times within D days (default 3 in 7): the
115 asked again and again (S1). Open from the N-th refusal of the window."""

import datetime
from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import WATCHED, Alert, Rule, kind_label, threshold, within
from parcours.core.groups import FieldGroup
from parcours.referrals.enums import ReferralStatus
from parcours.referrals.models import Referral

CODE = "repeated_refusals"


def find(now: datetime.datetime, cases=None):
    limits = threshold(CODE)
    count, days = limits["count"], limits["days"]
    refusals = within(Referral.objects, cases).filter(
        status=ReferralStatus.REFUSED,
        answered_at__gt=now - datetime.timedelta(days=days),
        answered_at__lte=now,
        case__status__in=WATCHED,
    )
    times = defaultdict(list)
    for case_id, kind, at in refusals.values_list("case_id", "service__kind", "answered_at"):
        times[case_id, kind].append(at)
    for (case_id, kind), ats in times.items():
        if len(ats) >= count:
            ats.sort()
            yield Alert(CODE, case_id, kind, ats[count - 1],
                        {"count": len(ats), "days": days, "service_kind": kind})  # fmt: skip


def detail(params: dict) -> str:
    return ngettext(
        "%(kind)s: %(count)d refusal in %(days)d days",
        "%(kind)s: %(count)d refusals in %(days)d days",
        params["count"],
    ) % {
        "kind": kind_label(params["service_kind"]),
        "count": params["count"],
        "days": params["days"],
    }


RULE = Rule(
    CODE,
    find,
    urgency=1,
    title=_("The same kind of service refused again and again"),
    groups=frozenset({FieldGroup.SOCIAL}),
    detail=detail,
)
