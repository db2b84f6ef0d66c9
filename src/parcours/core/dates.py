"""Sane bounds for the dates people type, for forms and for the domain services alike.

A date typed by hand can be absurd: ``0001-01-01`` (a slip of the year field, or a probe) used
to reach the database and fail there (converting year 1 to UTC overflows: a 500), and a consent
"given" in year 1 or a conference "convened" for 9999 were simply accepted. Every date and
datetime a user types therefore falls into one of three windows (a ``Span``):

``PAST_EVENT`` — something that happened on a case: a contact, a consent, an arrival.
    From ``EVENT_EARLIEST`` (1 January 2000) to today. Nothing in a living pathway predates
    2000: the international definition of trafficking is the Palermo Protocol (November 2000),
    the French offence dates from 2003 (art. 225-4-1 of the penal code), and closed cases are
    anonymised long before a date that old could be right. An earlier date is a typing error.
``PLANNED`` — something to come: an appointment, a case conference, a task's due date.
    From ``EVENT_EARLIEST`` to ``PLANNING_YEARS_AHEAD`` (3) years from today. The longest
    horizon met in the field is a court hearing or an appeal (CNDA), set one to three years
    ahead; anything later is a typing error and would only clutter the agendas. That such a
    date is not already past is the service's rule (its own message), not this window's.
``BIRTH`` — a date of birth: from ``BIRTH_EARLIEST`` (1 January 1900) to today.

The lower end of a window is a fixed date (its message reads "on or after 1 January 2000");
the upper end is a function of today, computed when the value is checked (never frozen at
import).

Forms use ``BoundedDateField`` / ``BoundedDateTimeField``; a form may replace a message, e.g.
``error_messages={"too_late": _("A contact cannot be in the future.")}``. Services call
``ensure(value, span)``, which raises a ``DomainError`` with the same message.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from parcours.core.errors import DomainError

BIRTH_EARLIEST = datetime.date(1900, 1, 1)
EVENT_EARLIEST = datetime.date(2000, 1, 1)
PLANNING_YEARS_AHEAD = 3

TOO_EARLY = gettext_lazy("Give a date on or after %(date)s.")
TOO_LATE = gettext_lazy("Give a date on or before %(date)s.")


def years_after(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved ``years`` years on (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Span:
    """A window of acceptable dates: each end is computed from today's date."""

    earliest: Callable[[datetime.date], datetime.date]
    latest: Callable[[datetime.date], datetime.date]

    def bounds(self, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        today = today or timezone.localdate()
        return self.earliest(today), self.latest(today)


PAST_EVENT = Span(earliest=lambda today: EVENT_EARLIEST, latest=lambda today: today)
PLANNED = Span(
    earliest=lambda today: EVENT_EARLIEST,
    latest=lambda today: years_after(today, PLANNING_YEARS_AHEAD),
)
BIRTH = Span(earliest=lambda today: BIRTH_EARLIEST, latest=lambda today: today)


def local_day(value) -> datetime.date:
    """The calendar day of a date or datetime, in the current time zone for an aware datetime
    (its own wall-clock day at the far ends of the calendar, where converting overflows)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            try:
                return timezone.localtime(value).date()
            except (OverflowError, ValueError):
                return value.date()
        return value.date()
    return value


def shown(day: datetime.date) -> str:
    """``day`` written out, month in the reader's language ("1 January 2000", "1 janvier 2000")."""
    return formats.date_format(day, "j F Y")


def problem(value, span: Span, today=None) -> tuple[str, datetime.date] | None:
    """``("too_early" | "too_late", bound)`` when ``value`` falls outside ``span``, else None."""
    if value is None:
        return None
    earliest, latest = span.bounds(today)
    day = local_day(value)
    if day < earliest:
        return "too_early", earliest
    if day > latest:
        return "too_late", latest
    return None


def ensure(value, span: Span, today=None) -> None:
    """Refuse ``value`` outside ``span`` (a ``DomainError`` in the reader's language)."""
    found = problem(value, span, today)
    if found is not None:
        code, bound = found
        message = str(TOO_EARLY if code == "too_early" else TOO_LATE)
        raise DomainError(message % {"date": shown(bound)})


class _Bounded:
    """Mixin for the date fields: check the span, and give the date picker its bounds."""

    html_format = "%Y-%m-%d"
    default_error_messages = {"too_early": TOO_EARLY, "too_late": TOO_LATE}

    def __init__(self, *args, span: Span = PAST_EVENT, **kwargs):
        self.span = span
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        found = problem(value, self.span)
        if found is not None:
            code, bound = found
            raise forms.ValidationError(
                self.error_messages[code], code=code, params={"date": shown(bound)}
            )

    def get_bound_field(self, form, field_name):
        # Each form has its own copy of the field: today's bounds, not those of import time.
        earliest, latest = self.span.bounds()
        start = datetime.datetime.combine(earliest, datetime.time.min)
        end = datetime.datetime.combine(latest, datetime.time(23, 59))
        self.widget.attrs.update(
            {"min": start.strftime(self.html_format), "max": end.strftime(self.html_format)}
        )
        return super().get_bound_field(form, field_name)


class BoundedDateField(_Bounded, forms.DateField):
    """A ``DateField`` (an HTML date picker) whose value must fall inside ``span``."""

    def __init__(self, *args, span: Span = PAST_EVENT, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, span=span, **kwargs)


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    """A ``DateTimeField`` (an HTML ``datetime-local`` picker) whose day must fall inside
    ``span``; the day is checked before the value ever reaches the database."""

    html_format = "%Y-%m-%dT%H:%M"

    def __init__(self, *args, span: Span = PAST_EVENT, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(*args, span=span, **kwargs)
