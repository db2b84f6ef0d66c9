"""The reflection period (issue 13, item 4): it starts on the day the police or gendarmerie
identify the person, lasts ``settings.REFLECTION_PERIOD_DAYS`` (30: CESEDA, former R316-1 and
R316-2), and its end is computed from that stage, never stored. The referent is alerted
``REFLECTION_ALERT_DAYS`` before the end (a worker step, once per period). The information given
to the person (when, in which language, through which interpreter, by whom) is recorded, since
a removal decided without it was annulled (Conseil d'État, 15 June 2012).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core import dates
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup
from parcours.identification import stages
from parcours.identification.models import ReflectionInformation, Stage


@dataclass(frozen=True)
class Period:
    starts_on: datetime.date
    ends_on: datetime.date
    alert_on: datetime.date
    informed: ReflectionInformation | None

    def days_left(self, today: datetime.date) -> int:
        return (self.ends_on - today).days


def period_days() -> int:
    return settings.REFLECTION_PERIOD_DAYS


def ends_on(identified_on: datetime.date) -> datetime.date:
    return identified_on + datetime.timedelta(days=period_days())


def period_of(case, reached: dict | None = None) -> Period | None:
    """The case's reflection period, from its identification stage; None before it.
    ``reached``: the stages already read (``stages.stages_of``), to read them once."""
    if reached is None:
        stage = Stage.objects.filter(case=case, code=Stage.Code.IDENTIFIED).first()
    else:
        stage = reached.get(Stage.Code.IDENTIFIED)
    if stage is None:
        return None
    end = ends_on(stage.on)
    informed = ReflectionInformation.objects.filter(case=case).select_related("organisation")
    return Period(
        starts_on=stage.on,
        ends_on=end,
        alert_on=end - datetime.timedelta(days=settings.REFLECTION_ALERT_DAYS),
        informed=informed.first(),
    )


def record_information(
    actor, case, *, given_on: datetime.date, language: str, interpreter: str = ""
) -> ReflectionInformation:
    """The person was informed of the reflection period and of their rights."""
    if not stages.can_record_stage(actor, case, Stage.Code.IDENTIFIED):
        raise NotAllowed(_("Your organisation cannot record this for this case."))
    if not isinstance(given_on, datetime.date):
        raise DomainError(_("Give the date on which the person was informed."))
    dates.ensure(given_on, dates.PAST_EVENT)
    if not language.strip():
        raise DomainError(_("Say in which language the person was informed."))
    if len(language) > 60 or len(interpreter) > 200:
        raise DomainError(_("The language or the interpreter's name is too long."))
    with transaction.atomic():
        information = ReflectionInformation.objects.create(
            case=case,
            given_on=given_on,
            language=language.strip(),
            interpreter=interpreter.strip(),
            organisation=actor.organisation,
            recorded_by=actor.user,
            recorded_at=timezone.now(),
        )
        record(actor, Action.REFLECTION_INFO, case, groups=[FieldGroup.JUSTICE])
    return information


def alert_ending(now: datetime.datetime) -> int:
    """Notify the referent of each case whose reflection period ends within the alert delay
    (once per case and end date); returns how many were notified. One indexed query on the
    stages: identified between ``days`` and ``days - alert`` days ago."""
    from parcours.alerts.notify import notify

    today = timezone.localdate(now)
    earliest = today - datetime.timedelta(days=period_days())
    latest = today - datetime.timedelta(days=period_days() - settings.REFLECTION_ALERT_DAYS)
    due = (
        Stage.objects.filter(code=Stage.Code.IDENTIFIED, on__gt=earliest, on__lte=latest)
        .exclude(case__status="closed")
        .select_related("case__referent_org")
    )
    sent = 0
    for stage in due:
        end = ends_on(stage.on)
        case = stage.case
        made = notify(
            "reflection_ending",
            case.referent_org,
            ref=case.ref,
            link=f"/dossiers/{case.ref}/?ouvrir=identification#identification",
            params={"days": (end - today).days},
            dedup_key=f"reflection_ending:{case.pk}:{end.isoformat()}",
        )
        sent += made is not None
    return sent


def catalogue_days() -> int | None:
    """The reflection period's length in the rights catalogue (its "reflection_ends" limit)."""
    from parcours.rights.catalogue import catalogue

    right = catalogue().rights.get("reflection_period")
    for limit in right.time_limits if right else ():
        if limit.name == "reflection_ends":
            return limit.days
    return None


def check_catalogue() -> None:
    """At start: the setting and the rights catalogue must give the same period, so that every
    page says the same end date."""
    from django.core.exceptions import ImproperlyConfigured

    days = catalogue_days()
    if days is not None and days != period_days():
        raise ImproperlyConfigured(
            f"PARCOURS_REFLECTION_PERIOD_DAYS is {period_days()} but the rights catalogue's "
            f"reflection_period says {days} days: change both together."
        )
