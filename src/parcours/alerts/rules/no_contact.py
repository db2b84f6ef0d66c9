"""No contact reached for D days (default 21), before the case is marked "contact lost" (at
``CONTACT_LOST_DAYS``, 30): the time to look for the person while she can still be found."""

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import Alert, Rule, threshold, within
from parcours.cases.contact_watch import WATCHED
from parcours.cases.models import Case

CODE = "no_contact"


def find(now: datetime.datetime, cases=None):
    days = threshold(CODE)["days"]
    delay = datetime.timedelta(days=days)
    quiet = within(Case.objects, cases, "pk").filter(
        status__in=WATCHED, last_contact_at__lte=now - delay
    )
    for case_id, last in quiet.values_list("pk", "last_contact_at"):
        yield Alert(CODE, case_id, "", last + delay, {"days": (now - last).days})


def detail(params: dict) -> str:
    days = params["days"]
    return ngettext("Last contact %(days)d day ago", "Last contact %(days)d days ago", days) % {
        "days": days
    }


RULE = Rule(CODE, find, urgency=2, title=_("No contact for weeks"), detail=detail)
