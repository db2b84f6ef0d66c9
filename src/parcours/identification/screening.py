"""Indicator screenings (issue 13, item 1): who may screen and read, and the writes — start,
save a draft at any time, complete — each journaled, each guarded by the screening's version.

- Who may screen: the members in a front-line role (caseworker, manager, investigator, facility
  staff) of the referent organisation or of an organisation taking part in the case. Not
  statisticians (they never read a case), not coordinators (a coordination reads the case, it
  does not meet the person).
- Who may read a screening: the referent organisation (it holds the pathway) and the
  organisation that wrote it, both while they read the case.
- Who may change a draft: the members of the organisation that wrote it, while they may screen.
  A completed screening is not changed: a new one is started.

The legal qualification is computed by ``identification.qualification`` from the answers, the
indicator file's version the screening was answered against, and whether the person is a minor
on the day of the screening (``cases.participants.is_minor``: the youngest age a partial date of
birth allows).
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.participants import is_minor
from parcours.core import concurrency
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup
from parcours.core.roles import Role
from parcours.identification import indicators
from parcours.identification.models import Screening
from parcours.identification.qualification import RECOMMENDATIONS, Qualification, qualify

SCREENER_ROLES = frozenset({Role.CASEWORKER, Role.MANAGER, Role.INVESTIGATOR, Role.FACILITY_STAFF})
STALE = gettext_lazy(
    "Someone saved this screening meanwhile. Your answers are still on the page: check them, "
    "then save again."
)
MAX_NOTES = 4000


def can_screen(actor, case) -> bool:
    """Front-line members (caseworker, manager, investigator, facility staff) of the referent
    organisation or of an active participant may screen the case."""
    if actor is None or actor.membership is None or actor.role not in SCREENER_ROLES:
        return False
    return rules.is_referent(actor, case) or rules.active_participation(actor, case) is not None


def can_read(actor, screening, case=None) -> bool:
    """The referent organisation and the organisation that wrote the screening, while they read
    the case."""
    case = case or screening.case
    if not rules.can_view_case(actor, case):
        return False
    return rules.is_referent(actor, case) or screening.organisation_id == actor.organisation_id


def can_edit(actor, screening, case=None) -> bool:
    """A draft is changed by the members of the organisation that wrote it, who may screen."""
    case = case or screening.case
    return (
        screening.status == Screening.Status.DRAFT
        and screening.organisation_id == getattr(actor, "organisation_id", None)
        and can_screen(actor, case)
    )


def readable(actor, case):
    """The screenings of ``case`` the actor may read, newest first."""
    queryset = Screening.objects.filter(case=case)
    if not rules.can_view_case(actor, case):
        return queryset.none()
    if not rules.is_referent(actor, case):
        queryset = queryset.filter(organisation_id=actor.organisation_id)
    return queryset.order_by("-updated_at", "-pk")


def qualification_of(screening, case=None, reader=None) -> Qualification:
    """The legal qualification of the screening's answers, read against its file version; the
    age is the one on the day it was completed (today for a draft). For a ``reader`` who does
    not see the identity group, the age is not theirs to learn: the means are assessed as for
    an adult, and the reasons say why (the recommendation stored at completion is the true
    one)."""
    case = case or screening.case
    day = timezone.localdate(screening.completed_at) if screening.completed_at else None
    catalogue = indicators.version(screening.catalogue_version)
    if reader is not None and FieldGroup.IDENTITY not in rules.groups_for(reader, case):
        found = qualify(catalogue, screening.answers or {}, minor=False)
        hidden = _(
            "The person's age is not shared with your organisation: the means are assessed as "
            "for an adult."
        )
        return dataclasses.replace(found, reasons=(*found.reasons, hidden))
    return qualify(catalogue, screening.answers or {}, minor=is_minor(case, day))


@dataclass(frozen=True)
class ScreeningRead:
    """A screening with its qualification, for a page."""

    screening: Screening
    qualification: Qualification


def latest_for(actor, case) -> ScreeningRead | None:
    """The newest screening of ``case`` the actor may read, with its qualification; None when
    there is none. It journals nothing: the page showing it journals its own read."""
    screening = readable(actor, case).first()
    if screening is None:
        return None
    screening.case = case
    return ScreeningRead(screening, qualification_of(screening, case, reader=actor))


def journal_read(actor, case, screening=None) -> None:
    """A page showed screenings of the case (one, or the list when ``screening`` is None)."""
    reason = f"screening:{screening.pk}" if screening is not None else "screening:list"
    record(actor, Action.SCREENING_VIEW, case, reason=reason)


@dataclass(frozen=True)
class ScreeningLine:
    pk: int
    organisation: str
    status: str
    status_label: str
    recommendation_label: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    completed_at: datetime.datetime | None
    editable: bool


def lines(view) -> list[ScreeningLine]:
    """The screenings ``view``'s reader may read, organisations named as the redaction object
    allows (a facility's name can tell where the person sleeps)."""
    found = []
    sees_age = FieldGroup.IDENTITY in view.groups
    for screening in readable(view.actor, view.case):
        screening.case = view.case
        recommendation = screening.recommendation
        if recommendation and not sees_age:  # the stored one was judged with the true age
            recommendation = qualification_of(screening, view.case, reader=view.actor)
            recommendation = recommendation.recommendation
        found.append(
            ScreeningLine(
                pk=screening.pk,
                organisation=view.org_label(screening.organisation_id),
                status=screening.status,
                status_label=str(screening.get_status_display()),
                recommendation_label=str(RECOMMENDATIONS.get(recommendation, "")),
                created_at=screening.created_at,
                updated_at=screening.updated_at,
                completed_at=screening.completed_at,
                editable=can_edit(view.actor, screening, view.case),
            )
        )
    return found


def start(actor, case, *, now=None) -> Screening:
    """A new draft against the current indicator file; the organisation's open draft if it
    has one (a second click opens it rather than starting a twin)."""
    if not can_screen(actor, case):
        raise NotAllowed(_("Your organisation does not take part in this case."))
    now = now or timezone.now()
    drafts = Screening.objects.filter(
        case=case, organisation_id=actor.organisation_id, status=Screening.Status.DRAFT
    ).order_by("-updated_at", "-pk")
    try:
        with transaction.atomic():
            draft = drafts.first()
            if draft is not None:
                return draft
            screening = Screening.objects.create(
                case=case,
                organisation=actor.organisation,
                created_by=actor.user,
                catalogue_version=indicators.catalogue().version,
                created_at=now,
                updated_at=now,
            )
            record(actor, Action.SCREENING_START, case, reason=f"screening:{screening.pk}")
    except IntegrityError:  # a second click at the same moment started it: open that one
        draft = drafts.first()
        if draft is None:
            raise
        return draft
    return screening


def checked_answers(catalogue, answers) -> dict[str, str]:
    """The answers, each for an indicator of ``catalogue`` and one of the four answers."""
    if not isinstance(answers, dict):
        raise DomainError(_("The answers are a list of indicators and what was seen of each."))
    unknown = sorted(str(key) for key in answers if key not in catalogue)
    if unknown:
        raise DomainError(
            _("Unknown indicators: %(ids)s. Nothing was saved.") % {"ids": ", ".join(unknown)}
        )
    if any(value not in indicators.ANSWERS for value in answers.values()):
        raise DomainError(
            _(
                "Each answer is one of: observed, reported by the person, not observed, unknown. "
                "Nothing was saved."
            )
        )
    return dict(answers)


def _write(actor, screening, answers, notes, expected_version, *, complete, now=None):
    case = screening.case
    if not can_edit(actor, screening, case):
        if screening.status == Screening.Status.COMPLETED:
            raise DomainError(_("This screening is completed: start a new one to change it."))
        raise NotAllowed(_("Only the organisation that started this screening may change it."))
    if notes is not None and len(notes) > MAX_NOTES:
        raise DomainError(_("The notes are too long."))
    with transaction.atomic():
        locked = concurrency.lock(
            Screening.objects.all(), screening.pk, expected_version, stale=STALE
        )
        if locked.status != Screening.Status.DRAFT:
            raise DomainError(_("This screening is completed: start a new one to change it."))
        catalogue = indicators.version(locked.catalogue_version)
        locked.answers = {**(locked.answers or {}), **checked_answers(catalogue, answers or {})}
        if notes is not None:
            locked.notes = notes
        now = now or timezone.now()
        locked.updated_at = now
        fields = ["answers", "notes", "updated_at"]
        action = Action.SCREENING_SAVE
        if complete:
            if not any(value != indicators.UNKNOWN for value in locked.answers.values()):
                raise DomainError(_("Answer at least one indicator before completing."))
            locked.status = Screening.Status.COMPLETED
            locked.completed_at = now
            locked.recommendation = qualification_of(locked, case).recommendation
            fields += ["status", "completed_at", "recommendation"]
            action = Action.SCREENING_COMPLETE
        locked.save(update_fields=[*fields, *concurrency.bump(locked)])
        reason = f"screening:{locked.pk}"
        record(
            actor, action, case, reason=f"{reason}:{locked.recommendation}" if complete else reason
        )
    locked.case = case
    return locked


def save_draft(actor, screening, *, answers, notes=None, expected_version=None) -> Screening:
    """Save any subset of answers (added to those saved before); ``notes`` replace the notes
    when given. A page drawn from an older version is refused, nothing saved."""
    return _write(actor, screening, answers, notes, expected_version, complete=False)


def complete(actor, screening, *, answers=None, notes=None, expected_version=None) -> Screening:
    """Save the last answers and complete the screening: its recommendation is stored."""
    return _write(actor, screening, answers or {}, notes, expected_version, complete=True)
