"""Reading case conferences, beside their writes (``parcours.conferences.services``): what one
reader may see of a case's conferences, as plain lines built from the redaction object
(``parcours.access.redaction.CaseView``). Pages and the minutes render these, never the
conference, its decisions, invitations or consent.

- Agenda points and decisions: only those in the reader's groups (filtered in SQL: nothing is
  decrypted that is not shown).
- Organisations (who convened, who is in charge of a decision, who is invited) are named as
  the redaction object names them: a host facility, or any organisation whose name says where
  the person sleeps, is not named to a reader without the location group. An invited
  organisation the reader may not see named is left out of the list; a decision's owner shows
  as "an organisation of the pathway".
- The consent's language and interpreter (they point at the person's origin) only with the
  identity group; the reason of a cancellation (about the person's situation) only with the
  social group.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.conferences.enums import ConferenceStatus
from parcours.core.groups import FieldGroup

NAMELESS_OWNER = _("An organisation of the pathway")


@dataclass(frozen=True)
class ConferenceLine:
    """A conference in the case page's list."""

    pk: int
    at: datetime.datetime
    status: str
    status_label: str
    convened_by: str


@dataclass(frozen=True)
class AgendaLine:
    text: str
    group: str
    group_label: str


@dataclass(frozen=True)
class DecisionLine:
    text: str
    group: str
    group_label: str
    owner: str  # already redacted: NAMELESS_OWNER for an organisation not to be named
    due_on: datetime.date | None
    task_status: str  # "" when the task is gone
    task_status_label: str


@dataclass(frozen=True)
class InvitationLine:
    organisation: str
    attended: bool | None  # unknown until the conference is recorded


@dataclass(frozen=True)
class ConsentLine:
    given_on: datetime.date
    how_label: str
    language: str  # "" without the identity group
    interpreter: str  # "" without the identity group


@dataclass(frozen=True)
class ConferenceDetail:
    pk: int
    version: int
    at: datetime.datetime
    place: str
    status: str
    status_label: str
    convened_by: str
    person_invited: bool
    person_attended: bool | None
    cancel_reason: str  # "" without the social group
    consent: ConsentLine | None
    invitations: list[InvitationLine]
    agenda: list[AgendaLine]
    decisions: list[DecisionLine]


def _may_name(view, organisation_id) -> bool:
    """Whether the reader may see this organisation named (the redaction object's rule: an
    organisation always sees its own name)."""
    own = getattr(view.actor, "organisation_id", None)
    return organisation_id == own or organisation_id not in view.hidden_org_ids


def conference_lines(view) -> list[ConferenceLine]:
    """The case's conferences, newest first, for whoever may see the case (none otherwise)."""
    if not view.visible:
        return []
    conferences = view.case.conferences.select_related("convened_by_org").order_by("-at", "-pk")
    return [
        ConferenceLine(
            pk=conference.pk,
            at=conference.at,
            status=conference.status,
            status_label=str(conference.get_status_display()),
            convened_by=view.org_label(conference.convened_by_org),
        )
        for conference in conferences
    ]


def invited_organisations(view, conference):
    """The invited organisations the reader may see named (the attendance choices of the
    record form)."""
    from parcours.accounts.models import Organisation

    ids = [
        pk
        for pk in conference.invitations.values_list("organisation_id", flat=True)
        if _may_name(view, pk)
    ]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _consent(view, conference) -> ConsentLine | None:
    from parcours.conferences.models import ConferenceConsent

    try:
        consent = conference.consent
    except ConferenceConsent.DoesNotExist:
        return None
    identity = view.sees(FieldGroup.IDENTITY)
    return ConsentLine(
        given_on=consent.given_on,
        how_label=str(consent.get_how_display()),
        language=consent.language if identity else "",
        interpreter=consent.interpreter if identity else "",
    )


def _invitations(view, conference) -> list[InvitationLine]:
    return [
        InvitationLine(
            organisation=view.org_label(invitation.organisation),
            attended=invitation.attended,
        )
        for invitation in conference.invitations.select_related("organisation")
        if _may_name(view, invitation.organisation_id)
    ]


def _agenda(view, conference) -> list[AgendaLine]:
    return [
        AgendaLine(text=item.text, group=item.group, group_label=str(item.get_group_display()))
        for item in conference.agenda.filter(group__in=sorted(view.groups))
    ]


def _decisions(view, conference) -> list[DecisionLine]:
    decisions = conference.decisions.filter(group__in=sorted(view.groups)).select_related(
        "owner_org", "task"
    )
    lines = []
    for decision in decisions:
        task = decision.task
        lines.append(
            DecisionLine(
                text=decision.text,
                group=decision.group,
                group_label=str(decision.get_group_display()),
                owner=view.org_label(decision.owner_org)
                if _may_name(view, decision.owner_org_id)
                else str(NAMELESS_OWNER),
                due_on=decision.due_on,
                task_status=task.status if task is not None else "",
                task_status_label=str(task.get_status_display()) if task is not None else "",
            )
        )
    return lines


def conference_detail(view, conference) -> ConferenceDetail:
    """One conference of ``view.case`` as its reader may see it."""
    if conference.case_id != view.case.pk:
        raise ValueError("the conference is not one of this case's")
    if not view.visible:  # the pages answer 404 before this: a caller forgot the rule
        raise PermissionDenied
    return ConferenceDetail(
        pk=conference.pk,
        version=conference.version,
        at=conference.at,
        place=conference.place,
        status=conference.status,
        status_label=str(conference.get_status_display()),
        convened_by=view.org_label(conference.convened_by_org),
        person_invited=conference.person_invited,
        person_attended=conference.person_attended,
        cancel_reason=conference.cancel_reason if view.sees(FieldGroup.SOCIAL) else "",
        consent=_consent(view, conference),
        invitations=_invitations(view, conference),
        agenda=_agenda(view, conference),
        decisions=_decisions(view, conference),
    )


def describe_event(data: dict, org_label) -> str:
    """A conference event of the timeline, from its codes (``cases.event_kinds``)."""
    when = parse_datetime(data.get("date", ""))
    date = formats.date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT") if when else ""
    status = data.get("status")
    if status == ConferenceStatus.PLANNED:
        return _("Convened for %(date)s") % {"date": date}
    if status == ConferenceStatus.HELD:
        count = data.get("decisions", 0)
        return ngettext(
            "Held on %(date)s: %(count)s decision", "Held on %(date)s: %(count)s decisions", count
        ) % {"date": date, "count": count}
    if status == ConferenceStatus.CANCELLED:
        return _("The conference of %(date)s is cancelled") % {"date": date}
    return ""
