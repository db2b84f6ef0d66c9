"""Codes of the public reports: their status, the coded reasons a coordinator closes one with,
and the journal's actions about them (``JournalEntry.action`` takes any code; the labels for the
access history live here until ``audit.enums.Action`` lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.audit.enums import Action


class ReportStatus(models.TextChoices):
    NEW = "new", _("To triage")
    CASE_OPENED = "case_opened", _("Case opened")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    """Why a report leads to no case (a note may say more; "other" needs one)."""

    ALREADY_FOLLOWED = "already_followed", _("The person is already followed")
    NOT_TRAFFICKING = "not_trafficking", _("No sign of trafficking: oriented elsewhere")
    NOT_ENOUGH = "not_enough", _("Not enough to act on, and no way to reach the reporter")
    DUPLICATE = "duplicate", _("Duplicate of another report")
    ABUSIVE = "abusive", _("Abusive or test report")
    OTHER = "other", _("Other reason (say which in the note)")


class ReportAction:
    """Journal actions about reports: the journal's own (``audit.enums.Action``, which labels
    them in the access history)."""

    SUBMIT = Action.REPORT_SUBMIT  # received through the public page (no user)
    LIST = Action.REPORT_LIST  # a coordinator read the queue (one entry per report shown)
    VIEW = Action.REPORT_VIEW
    OPEN_CASE = Action.REPORT_OPEN_CASE
    CLOSE = Action.REPORT_CLOSE
