"""A task still open more than D days (default 0) after the day it was due."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import WATCHED, Alert, Rule, threshold, within
from parcours.cases.models import Task
from parcours.core.groups import FieldGroup

CODE = "task_overdue"


def find(now: datetime.datetime, cases=None):
    days = threshold(CODE)["days"]
    today = timezone.localdate(now)
    late = within(Task.objects, cases).filter(
        status=Task.Status.OPEN,
        due_on__lt=today - datetime.timedelta(days=days),
        case__status__in=WATCHED,
    )
    zone = timezone.get_current_timezone()
    for pk, case_id, due in late.values_list("pk", "case_id", "due_on"):
        overdue_from = due + datetime.timedelta(days=days + 1)
        since = datetime.datetime.combine(overdue_from, datetime.time.min, tzinfo=zone)
        yield Alert(CODE, case_id, str(pk), since, {"days": (today - due).days})


def detail(params: dict) -> str:
    days = params["days"]
    return ngettext("%(days)d day late", "%(days)d days late", days) % {"days": days}


RULE = Rule(
    CODE,
    find,
    urgency=3,
    title=_("A task is overdue"),
    groups=frozenset({FieldGroup.SOCIAL}),
    detail=detail,
)
