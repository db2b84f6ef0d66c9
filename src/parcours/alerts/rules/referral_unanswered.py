"""A referral unanswered past its service's delay (``referrals.deadlines``): still waiting,
or expired by the worker, and no newer request to the same kind of service since. Open from
the end of the delay until an answer, a new request, or the case's closing."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from parcours.alerts.rules import WATCHED, Alert, Rule, kind_label, within
from parcours.core.groups import FieldGroup
from parcours.referrals.deadlines import answer_delay
from parcours.referrals.enums import ANSWER_DELAY_HOURS, AWAITING_ANSWER, ReferralStatus
from parcours.referrals.models import Referral

CODE = "referral_unanswered"


def find(now: datetime.datetime, cases=None):
    shortest = datetime.timedelta(hours=min(ANSWER_DELAY_HOURS.values()))
    newer = Referral.objects.filter(
        case_id=OuterRef("case_id"),
        service__kind=OuterRef("service__kind"),
        created_at__gt=OuterRef("created_at"),
    ).exclude(status__in=(ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN))
    waiting = (
        within(Referral.objects, cases)
        .filter(
            status__in=[*AWAITING_ANSWER, ReferralStatus.EXPIRED],
            sent_at__lt=now - shortest,
            case__status__in=WATCHED,
        )
        .exclude(Exists(newer))
    )
    rows = waiting.values_list("pk", "case_id", "service__kind", "sent_at")
    for pk, case_id, kind, sent_at in rows:
        due = sent_at + answer_delay(kind)
        if now > due:
            yield Alert(CODE, case_id, str(pk), due, {"service_kind": kind})


def detail(params: dict) -> str:
    return _("No answer from: %(kind)s") % {"kind": kind_label(params["service_kind"])}


RULE = Rule(
    CODE,
    find,
    urgency=2,
    title=_("A referral is unanswered past its delay"),
    groups=frozenset({FieldGroup.SOCIAL}),
    detail=detail,
)
