"""A minor turns 18 within ``TURNING_18_NOTICE_MONTHS`` (default 6): the transition to
prepare (young-adult support, residence at 18), as ``identification.minors`` computes it from
the date of birth, partial or not (the youngest reading). Open from the notice until the
birthday. Dates of birth are encrypted: the watched cases' are read in one query."""

import datetime
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.alerts.rules import WATCHED, Alert, Rule, within
from parcours.cases.models import Case
from parcours.core.groups import FieldGroup
from parcours.identification.minors import eighteenth_birthday, transition_notice_on

CODE = "turning_18"


def find(now: datetime.datetime, cases=None):
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    watched = within(Case.objects, cases, "pk").filter(
        status__in=WATCHED, person__birth_date__isnull=False
    )
    for case_id, birth in watched.values_list("pk", "person__birth_date"):
        person = SimpleNamespace(birth_date=birth)  # (a model instance costs more to make)
        notice, birthday = transition_notice_on(person), eighteenth_birthday(person)
        if notice is None or not (notice <= today < birthday):
            continue
        since = datetime.datetime.combine(notice, datetime.time.min, tzinfo=zone)
        yield Alert(CODE, case_id, birthday.isoformat(), since,
                    {"days": (birthday - today).days})  # fmt: skip


def detail(params: dict) -> str:
    days = params["days"]
    return ngettext("18 in %(days)d day", "18 in %(days)d days", days) % {"days": days}


RULE = Rule(
    CODE,
    find,
    urgency=3,
    title=_("A minor turns 18 within six months"),
    groups=frozenset({FieldGroup.IDENTITY}),
    detail=detail,
)
