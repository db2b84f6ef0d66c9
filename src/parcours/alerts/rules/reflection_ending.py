"""The reflection period ends within ``REFLECTION_ALERT_DAYS`` (default 5): computed from the
identification stage, as ``identification.reflection`` computes it; open from the first day of
the alert delay until the period's end."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import WATCHED, Alert, Rule, within
from parcours.core.groups import FieldGroup
from parcours.identification import reflection
from parcours.identification.models import Stage

CODE = "reflection_ending"


def find(now: datetime.datetime, cases=None):
    today = timezone.localdate(now)
    period, alert = reflection.period_days(), settings.REFLECTION_ALERT_DAYS
    earliest = today - datetime.timedelta(days=period)  # ended: no longer an alert
    latest = today - datetime.timedelta(days=period - alert)
    identified = within(Stage.objects, cases).filter(
        code=Stage.Code.IDENTIFIED, on__gt=earliest, on__lte=latest, case__status__in=WATCHED
    )
    zone = timezone.get_current_timezone()
    for case_id, on in identified.values_list("case_id", "on"):
        end = reflection.ends_on(on)
        alert_on = end - datetime.timedelta(days=alert)
        since = datetime.datetime.combine(alert_on, datetime.time.min, tzinfo=zone)
        yield Alert(CODE, case_id, end.isoformat(), since, {"days": (end - today).days})


def detail(params: dict) -> str:
    days = params["days"]
    if days <= 0:
        return _("Ends today")
    return ngettext("Ends in %(days)d day", "Ends in %(days)d days", days) % {"days": days}


RULE = Rule(
    CODE,
    find,
    urgency=1,
    title=_("The reflection period ends soon"),
    groups=frozenset({FieldGroup.JUSTICE}),
    detail=detail,
)
