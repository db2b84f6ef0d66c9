"""The residence card or receipt (``card_expires_on``, a fact of the rights engine) expires
within D days (default 60: a renewal is asked two months ahead), or has expired: open from D
days before the end until a newer date is recorded (or the case closes)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import WATCHED, Alert, Rule, threshold, within
from parcours.core.groups import FieldGroup
from parcours.rights.models import Fact
from parcours.rights.services import recorded_facts_in_bulk

CODE = "card_expiring"
FACT = "card_expires_on"


def find(now: datetime.datetime, cases=None):
    days = threshold(CODE)["days"]
    today = timezone.localdate(now)
    recorded = within(Fact.objects, cases).filter(name=FACT, case__status__in=WATCHED)
    zone = timezone.get_current_timezone()
    for case_id, facts in recorded_facts_in_bulk(recorded.values("case_id"), [FACT]).items():
        end = facts.get(FACT)
        if end is None or today < end - datetime.timedelta(days=days):
            continue
        since = datetime.datetime.combine(
            end - datetime.timedelta(days=days), datetime.time.min, tzinfo=zone
        )
        yield Alert(CODE, case_id, end.isoformat(), since, {"days": (end - today).days})


def detail(params: dict) -> str:
    days = params["days"]
    if days < 0:
        return ngettext("Expired %(days)d day ago", "Expired %(days)d days ago", -days) % {
            "days": -days
        }
    if days == 0:
        return _("Expires today")
    return ngettext("Expires in %(days)d day", "Expires in %(days)d days", days) % {"days": days}


RULE = Rule(
    CODE,
    find,
    urgency=1,
    title=_("The residence card or receipt expires soon"),
    groups=frozenset({FieldGroup.IMMIGRATION}),
    detail=detail,
)
