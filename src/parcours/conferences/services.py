"""Case conferences: convene, record the person's consent, record attendance and decisions
(each decision becomes a task for its organisation), cancel.

Each service checks the rule (``parcours.conferences.rules``), writes in one transaction, journals
what it did and tells the organisations concerned. Notifications carry the case reference and a
link, never anything about the person. The demo loader and the pages call these functions.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.access import rules
from parcours.alerts.notify import notify
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import tasks
from parcours.cases.enums import EventKind
from parcours.cases.tasks import owner_choices
from parcours.cases.timeline import add_event
from parcours.conferences import rules as conference_rules
from parcours.conferences.enums import ConferenceStatus
from parcours.conferences.models import (
    AgendaItem,
    Conference,
    ConferenceConsent,
    Decision,
    Invitation,
)
from parcours.core import concurrency, dates
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup, sorted_groups
from parcours.core.models import ConsentMethod

# A conference convened "now" from a slow form is not in the past.
SLACK = datetime.timedelta(minutes=5)
MAX_ITEMS = 20


@dataclass(frozen=True)
class AgendaEntry:
    """A point to discuss; ``group`` says who may read it."""

    text: str
    group: str = FieldGroup.SOCIAL


@dataclass(frozen=True)
class DecisionEntry:
    """A decision: what, which organisation does it, by when; ``group`` says who may read it."""

    text: str
    owner_org: object
    group: str = FieldGroup.SOCIAL
    due_on: datetime.date | None = None


def _lock(conference, expected_version) -> Conference:
    """The conference row, locked until the caller's transaction ends, still planned; a stale
    page is refused."""
    locked = concurrency.lock(
        Conference.objects.select_related("case", "case__referent_org"),
        conference.pk,
        expected_version,
        stale=_(
            "This conference was changed by someone else meanwhile. Reload the page and try again."
        ),
    )
    _require_planned(locked)
    return locked


def _change(locked, **fields) -> None:
    """One change of a locked conference: the fields and a new version, in one write."""
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, *concurrency.bump(locked)])


def _on_timeline(case, actor, conference, status: str, now, **counts) -> None:
    """The conference's step on the case timeline, in codes (``reading.describe_event``)."""
    add_event(
        case,
        actor,
        EventKind.CONFERENCE,
        at=now,
        data={
            "conference": conference.pk,
            "status": status,
            "date": conference.at.isoformat(),
            **counts,
        },
    )


def _require_planned(conference) -> None:
    if conference.status == ConferenceStatus.CANCELLED:
        raise DomainError(_("This conference was cancelled."))
    if conference.status != ConferenceStatus.PLANNED:
        raise DomainError(_("This conference was already recorded."))


def _in_service_language(message, **params) -> str:
    """Text stored on the timeline or in a task is written once, in the service's language
    (French); ``message`` is a lazy translation, formatted with ``params`` (dates localised)."""
    with translation.override(settings.LANGUAGE_CODE):
        formatted = {
            key: formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
            if isinstance(value, datetime.datetime)
            else formats.date_format(value, "SHORT_DATE_FORMAT")
            if isinstance(value, datetime.date)
            else value
            for key, value in params.items()
        }
        return str(message) % formatted


def _agenda(agenda, groups) -> list[AgendaEntry]:
    entries = []
    for item in agenda:
        if isinstance(item, dict):
            item = AgendaEntry(**item)
        text = (item.text or "").strip()
        if not text:
            continue
        if item.group not in groups:
            raise DomainError(
                _("A point on the agenda can only be about information you may see yourself.")
            )
        entries.append(AgendaEntry(text=text, group=item.group))
    if not entries:
        raise DomainError(_("Give the agenda: at least one point to discuss."))
    if len(entries) > MAX_ITEMS:
        raise DomainError(_("Too many points on the agenda."))
    return entries


def convene(
    actor,
    case,
    *,
    at: datetime.datetime,
    agenda,
    place: str = "",
    invited=None,
    person_invited: bool = False,
    convened_at: datetime.datetime | None = None,
) -> Conference:
    """Convene a case conference on ``case`` at ``at`` with its ``agenda`` (``AgendaEntry`` or
    dicts with ``text`` and ``group``; each point is readable by those who see its group).

    ``invited``: organisations of the pathway (the referent and active participants; the host
    shelter only if the convener sees the location); None invites them all. The referent and
    the convener's organisation are always invited. Each invited organisation other than the
    convener's is notified. ``convened_at`` (default now) lets the demo date a past convocation.
    """
    if not conference_rules.can_convene(actor, case):
        raise NotAllowed(_("You cannot convene a case conference on this case."))
    now = convened_at or timezone.now()
    if at is None or at < now - SLACK:
        raise DomainError(_("A conference is convened for a date to come."))
    dates.ensure(at, dates.PLANNED)
    groups = rules.groups_for(actor, case)
    entries = _agenda(agenda, groups)
    choices = owner_choices(case, groups)
    if invited is None:
        invited = list(choices)
    invited = list(invited)
    allowed_ids = set(choices.values_list("pk", flat=True))
    if any(org.pk not in allowed_ids for org in invited):
        raise DomainError(_("Only organisations taking part in the pathway can be invited."))
    organisations = {org.pk: org for org in invited}
    organisations.setdefault(case.referent_org_id, case.referent_org)
    organisations.setdefault(actor.organisation_id, actor.organisation)
    with transaction.atomic():
        conference = Conference.objects.create(
            case=case,
            at=at,
            place=(place or "").strip(),
            person_invited=bool(person_invited),
            convened_by_org=actor.organisation,
            convened_by=actor.user,
            convened_at=now,
        )
        Invitation.objects.bulk_create(
            Invitation(conference=conference, organisation=org) for org in organisations.values()
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(conference=conference, position=n, group=entry.group, text=entry.text)
            for n, entry in enumerate(entries, start=1)
        )
        _on_timeline(case, actor, conference, ConferenceStatus.PLANNED, now)
        record(
            actor,
            Action.CONFERENCE_CONVENE,
            case,
            groups=[entry.group for entry in entries],
            reason=f"conference:{conference.pk}",
        )
        _tell_others(actor, conference, organisations.values(), "conference_convened", "convened")
    return conference


def _tell_others(actor, conference, organisations, kind: str, step: str) -> None:
    """Notify each organisation but the actor's own, once per conference and step."""
    link = conference.get_absolute_url()
    for org in organisations:
        if org.pk != actor.organisation_id:
            notify(
                kind,
                org,
                ref=conference.case.ref,
                link=link,
                dedup_key=f"conference:{conference.pk}:{step}:{org.pk}",
            )


def record_consent(
    actor,
    conference: Conference,
    *,
    given_on: datetime.date,
    how: str,
    language: str,
    interpreter: str = "",
    expected_version: int | None = None,
) -> ConferenceConsent:
    """Record that the person consented to their situation being discussed at ``conference``:
    when, how, in which language, through which interpreter. Only the referent records it."""
    if not conference_rules.can_record_consent(actor, conference):
        raise NotAllowed(_("Only the referent organisation can record the person's consent."))
    if given_on is None or given_on > timezone.localdate():
        raise DomainError(_("The consent date cannot be in the future."))
    dates.ensure(given_on, dates.PAST_EVENT)
    if how not in ConsentMethod.values:
        raise DomainError(_("Say how the person gave their consent."))
    if not (language or "").strip():
        raise DomainError(_("Say in which language the person was informed."))
    with transaction.atomic():
        locked = _lock(conference, expected_version)
        if ConferenceConsent.objects.filter(conference=locked).exists():
            raise DomainError(_("The person's consent to this conference is already recorded."))
        consent = ConferenceConsent.objects.create(
            conference=locked,
            given_on=given_on,
            how=how,
            language=language.strip(),
            interpreter=(interpreter or "").strip(),
            recorded_by=actor.user,
            recorded_at=timezone.now(),
        )
        _change(locked)
        record(
            actor,
            Action.CONFERENCE_CONSENT,
            locked.case,
            reason=f"conference:{locked.pk}:{how}",
        )
    conference.version = locked.version
    return consent


def _decisions(actor, case, decisions, groups) -> list[DecisionEntry]:
    choices = {org.pk: org for org in owner_choices(case, groups)}
    entries = []
    for item in decisions:
        if isinstance(item, dict):
            item = DecisionEntry(**item)
        text = (item.text or "").strip()
        if not text:
            continue
        if item.group not in groups:
            raise DomainError(_("A decision can only be about information you may see yourself."))
        owner = choices.get(getattr(item.owner_org, "pk", None))
        if owner is None:
            raise DomainError(
                _("A decision goes to the referent or to an organisation taking part.")
            )
        if item.group not in conference_rules.organisation_groups(case, owner):
            raise DomainError(
                _(
                    "%(org)s does not see this kind of information on the case: it cannot be in "
                    "charge of this decision."
                )
                % {"org": owner.name}
            )
        tasks.check_due_on(item.due_on)
        entries.append(
            DecisionEntry(text=text, owner_org=owner, group=item.group, due_on=item.due_on)
        )
    if len(entries) > MAX_ITEMS:
        raise DomainError(_("Too many decisions."))
    return entries


def _task_title(conference, entry: DecisionEntry) -> str:
    """A task's title is read by everyone who sees the social group: a decision in another
    group gets a neutral title pointing to the conference, where only its readers see it. It
    never names the owner (the task shows its owner, redacted for each reader: a host facility's
    name says where the person sleeps)."""
    if entry.group == FieldGroup.SOCIAL:
        return entry.text
    return _in_service_language(
        gettext_lazy(
            "Decision of the case conference of %(date)s: read it on the conference page."
        ),
        date=conference.at,
    )


def record_conference(
    actor,
    conference: Conference,
    *,
    attended=(),
    decisions=(),
    person_attended: bool | None = None,
    expected_version: int | None = None,
) -> Conference:
    """Record a conference that took place: which invited organisations ``attended`` (the others
    are recorded absent), whether the person attended, and its ``decisions`` (``DecisionEntry`` or
    dicts). Each decision becomes an open task for its organisation, which is notified.

    Refused without the person's consent to the discussion: nothing of their situation may be
    decided on without it. A decision goes only to an organisation that sees its group.
    """
    if not conference_rules.can_manage_conference(actor, conference):
        raise NotAllowed(_("You cannot record this conference."))
    case = conference.case
    groups = rules.groups_for(actor, case)
    with transaction.atomic():
        locked = _lock(conference, expected_version)
        now = timezone.now()
        if locked.at > now + SLACK:
            raise DomainError(_("A conference is recorded once it has taken place."))
        if not ConferenceConsent.objects.filter(conference=locked).exists():
            raise DomainError(
                _(
                    "The person has not consented to their situation being discussed: record "
                    "their consent before the conference can be recorded."
                )
            )
        entries = _decisions(actor, case, decisions, groups)
        invitations = list(locked.invitations.select_related("organisation"))
        invited_ids = {invitation.organisation_id for invitation in invitations}
        attended_ids = {org.pk for org in attended}
        if not attended_ids <= invited_ids:
            raise DomainError(_("Only invited organisations can be recorded as present."))
        for invitation in invitations:
            invitation.attended = invitation.organisation_id in attended_ids
        Invitation.objects.bulk_update(invitations, ["attended"])
        owners = {}
        for position, entry in enumerate(entries, start=1):
            # The conference, not the recorder's own task rights, is what decides this task.
            task = tasks.create_task(
                actor,
                case,
                title=_task_title(locked, entry),
                owner_org=entry.owner_org,
                due_on=entry.due_on,
                at=now,
            )
            Decision.objects.create(
                conference=locked,
                position=position,
                group=entry.group,
                text=entry.text,
                owner_org=entry.owner_org,
                due_on=entry.due_on,
                task=task,
            )
            owners[entry.owner_org.pk] = entry.owner_org
        _change(
            locked,
            status=ConferenceStatus.HELD,
            person_attended=bool(person_attended) if locked.person_invited else None,
            recorded_at=now,
            recorded_by=actor.user,
        )
        _on_timeline(case, actor, locked, ConferenceStatus.HELD, now, decisions=len(entries))
        record(
            actor,
            Action.CONFERENCE_RECORD,
            case,
            groups=sorted_groups(entry.group for entry in entries),
            reason=f"conference:{locked.pk}",
        )
        _tell_others(actor, locked, owners.values(), "task_assigned", "tasks")
    return locked


def cancel(
    actor, conference: Conference, *, reason: str, expected_version: int | None = None
) -> Conference:
    """Cancel a planned conference, saying why; the invited organisations are notified."""
    if not conference_rules.can_manage_conference(actor, conference):
        raise NotAllowed(_("You cannot cancel this conference."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the conference is cancelled."))
    with transaction.atomic():
        locked = _lock(conference, expected_version)
        now = timezone.now()
        _change(
            locked,
            status=ConferenceStatus.CANCELLED,
            cancelled_at=now,
            cancelled_by=actor.user,
            cancel_reason=reason,
        )
        case = locked.case
        _on_timeline(case, actor, locked, ConferenceStatus.CANCELLED, now)
        record(actor, Action.CONFERENCE_CANCEL, case, reason=f"conference:{locked.pk}")
        invited = [i.organisation for i in locked.invitations.select_related("organisation")]
        _tell_others(actor, locked, invited, "conference_cancelled", "cancelled")
    return locked
