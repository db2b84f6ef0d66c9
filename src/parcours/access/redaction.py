"""What one reader may see of one case: decided once per request, applied everywhere.

``CaseView(actor, case)`` holds the decision — the effective field groups, the participation,
whether the actor is the referent or coordinates the case, whether it may see where the person
sleeps — and is the only place that turns the case's data into what this reader may see:
organisation labels, timeline events, contacts, tasks, appointments and their attendees,
participants, referrals and the person's fields. Pages, PDFs and notifications render what it
returns, never the decrypted person or raw related objects.

The rule that most needs one home: an organisation whose name tells where the person sleeps
(the host facility, past or present, a facility that was asked for a place, the recipient of a
shelter referral) is "a facility of the network" to every reader without the location group,
wherever its name would appear (author of a note or contact, attendee, task owner, participant,
referral recipient, access history).
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.access import rules
from parcours.core.groups import FieldGroup

NETWORK_FACILITY = _("a facility of the network")
NOT_SHARED = _("Not shared with your organisation.")
LOCATION_BY_DESIGNATION = _(
    "Shown only to the members of an organisation designated to know where the person sleeps."
)
SYSTEM = "Parcours"


def location_revealing_org_ids(case) -> set[int]:
    """Organisations whose name says (or said) where the person sleeps: host shelters and any
    facility organisation taking part, past ones included; facilities asked for a place; the
    recipients of referrals to a shelter service. Never the referent (it holds the case)."""
    from parcours.cases.enums import ParticipantRole
    from parcours.cases.models import Participant
    from parcours.core.roles import OrganisationKind
    from parcours.referrals.enums import ServiceKind
    from parcours.referrals.models import Referral
    from parcours.shelter.models import Placement

    # A referral to any of these says where the person may sleep (Ac.Sé places far away).
    SHELTER_KINDS = (ServiceKind.SHELTER, ServiceKind.ACSE)
    hosts = Participant.objects.filter(case_id=case.pk).filter(
        Q(role=ParticipantRole.SHELTER) | Q(organisation__kind=OrganisationKind.SHELTER_FACILITY)
    )
    ids = set(hosts.values_list("organisation_id", flat=True))
    ids |= set(
        Placement.objects.filter(case_id=case.pk, facility__isnull=False).values_list(
            "facility__organisation_id", flat=True
        )
    )
    ids |= set(
        Referral.objects.filter(case_id=case.pk, service__kind__in=SHELTER_KINDS).values_list(
            "to_org_id", flat=True
        )
    )
    ids.discard(case.referent_org_id)
    return ids


@dataclass(frozen=True)
class Named:
    """A name to show (an organisation, a user), already redacted."""

    name: str

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.name


@dataclass(frozen=True)
class CaseSummary:
    """The case as a page shows it: reference, status, referent, dates; no person data."""

    pk: int
    ref: str
    status: str
    status_label: str
    referent_org: Named
    referent_user: Named | None
    opened_at: datetime.datetime
    last_contact_at: datetime.datetime | None
    version: int
    person: Named  # the person's pseudonymous reference only

    def get_status_display(self) -> str:
        return self.status_label


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    kind_label: str
    at: datetime.datetime
    author: str
    description: str
    summary: str
    group: str


@dataclass(frozen=True)
class ContactLine:
    at: datetime.datetime
    channel_label: str
    author: str
    note: str


@dataclass(frozen=True)
class TaskLine:
    pk: int
    title: str
    owner: str
    due_on: datetime.date | None
    status: str
    status_label: str
    is_overdue: bool
    can_close: bool
    conference_pk: int | None = None  # the conference whose decision made the task


@dataclass(frozen=True)
class AppointmentLine:
    at: datetime.datetime
    purpose: str
    place: str  # empty when not shown
    place_hidden: bool  # there is a place this reader may not see
    attendees: list[str]


@dataclass(frozen=True)
class ParticipantLine:
    pk: int
    organisation: str
    role_label: str
    group_labels: list[str]
    basis: str
    consent_date: datetime.date | None
    legal_basis_label: str


@dataclass
class ReferralLine:
    ref: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    service: str
    recipient: str
    urgency_label: str
    sent_at: datetime.datetime | None
    refusal_label: str
    is_overdue: bool = False


@dataclass
class ReferralGroup:
    kind: str
    referrals: list[ReferralLine] = field(default_factory=list)

    @property
    def attempts(self) -> bool:
        return len(self.referrals) > 1


class CaseView:
    """What ``actor`` may see of ``case``, for one request. Build it with :func:`case_view`."""

    def __init__(self, actor, case):
        self.actor = actor
        self.case = case
        self.groups = rules.groups_for(actor, case)
        self.visible = rules.can_view_case(actor, case)
        self.participation = rules.active_participation(actor, case)
        self.is_referent = rules.is_referent(actor, case)
        self.coordinates = rules.coordinates(actor, case)
        self.editable = rules.can_edit_case(actor, case)
        self.sees_location = FieldGroup.LOCATION in self.groups
        self._names: dict[int, str] = {}

    # -- the decision -------------------------------------------------------------------------

    def sees(self, group: str) -> bool:
        return group in self.groups

    def case_referrals(self):
        """The referrals of this case the reader sees, read from the case outward: every one
        when the reader sees the case, those sent to its organisation otherwise. The same set
        as ``referrals.visibility.visible_referrals`` cut to this case, without building the
        reader's national scope (a hashed subplan of every case it sees, issue 14)."""
        from parcours.referrals.enums import ReferralStatus
        from parcours.referrals.models import Referral

        referrals = Referral.objects.filter(case_id=self.case.pk)
        if self.visible:
            return referrals
        if self.actor is None or self.actor.membership is None or self.actor.role == "statistician":
            return referrals.none()
        return referrals.filter(to_org_id=self.actor.organisation_id).exclude(
            status=ReferralStatus.DRAFT
        )

    @cached_property
    def hidden_org_ids(self) -> set[int]:
        """Organisations named "a facility of the network" to this reader."""
        if self.sees_location:
            return set()
        return location_revealing_org_ids(self.case)

    def org_label(self, organisation) -> str:
        """An organisation (instance or id) as this reader may see it named."""
        pk = getattr(organisation, "pk", organisation)
        if pk is None:
            return ""
        if pk in self.hidden_org_ids and pk != getattr(self.actor, "organisation_id", None):
            return str(NETWORK_FACILITY)
        name = getattr(organisation, "name", None)
        if name is None:
            name = self._name_of(pk)
        return name

    def _load_names(self, ids) -> None:
        """Read the names of these organisations in one query (not one per line)."""
        from parcours.accounts.models import Organisation

        wanted = {pk for pk in ids if pk is not None and pk not in self._names}
        if wanted:
            self._names.update(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name"))

    def _name_of(self, pk) -> str:
        if pk not in self._names:
            from parcours.accounts.models import Organisation

            self._names[pk] = (
                Organisation.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
            )
        return self._names[pk]

    def _author(self, organisation) -> str:
        return self.org_label(organisation) if organisation is not None else SYSTEM

    # -- what the reader sees -----------------------------------------------------------------

    @cached_property
    def summary(self) -> CaseSummary:
        case = self.case
        user = case.referent_user
        return CaseSummary(
            pk=case.pk,
            ref=case.ref,
            status=case.status,
            status_label=str(case.get_status_display()),
            referent_org=Named(self.org_label(case.referent_org)),
            referent_user=Named(user.display_name()) if user is not None else None,
            opened_at=case.opened_at,
            last_contact_at=case.last_contact_at,
            version=case.version,
            person=Named(case.person.ref),
        )

    @property
    def person_name(self) -> str | None:
        """The person's name, for readers of the identity group only."""
        return self.case.person.list_name if self.sees(FieldGroup.IDENTITY) else None

    def events(self) -> list[TimelineEntry]:
        """The timeline, filtered by group in the query (nothing decrypted that is not shown)."""
        events = list(
            self.case.events.filter(group__in=sorted(self.groups)).select_related("by_org")
        )
        self._load_names(e.data.get("organisation_id") for e in events if e.data)
        return [
            TimelineEntry(
                kind=event.kind,
                kind_label=str(event.get_kind_display()),
                at=event.at,
                author=self._author(event.by_org),
                description=event.describe(self.org_label),
                summary=event.summary,
                group=event.group,
            )
            for event in events
        ]

    def contacts(self, limit: int = 50) -> list[ContactLine]:
        if not self.sees(FieldGroup.SOCIAL):
            return []
        contacts = self.case.contacts.select_related("by_org")[:limit]
        return [
            ContactLine(
                at=c.at,
                channel_label=str(c.get_channel_display()),
                author=self.org_label(c.by_org),
                note=c.note,
            )
            for c in contacts
        ]

    def tasks(self) -> list[TaskLine]:
        """With the social group, every task; otherwise the tasks given to the reader's own
        organisation (a conference may give one to the gendarmerie): it must see and close
        them. A task made from a conference decision links to the conference."""
        from parcours.cases.tasks import can_close_task

        tasks = self.case.tasks.select_related("owner_org", "decision")
        if not self.sees(FieldGroup.SOCIAL):
            own = getattr(self.actor, "organisation_id", None)
            if own is None or not self.visible:
                return []
            tasks = tasks.filter(owner_org_id=own)
        today = timezone.localdate()
        lines = []
        for task in tasks:
            task.case = self.case
            lines.append(
                TaskLine(
                    pk=task.pk,
                    title=task.title,
                    owner=self.org_label(task.owner_org),
                    due_on=task.due_on,
                    status=task.status,
                    status_label=str(task.get_status_display()),
                    is_overdue=task.is_overdue(today),
                    can_close=can_close_task(self.actor, task),
                    conference_pk=_conference_of(task),
                )
            )
        return lines

    def appointments(self) -> list[AppointmentLine]:
        """With the social group, every appointment; otherwise those the actor's organisation
        attends. The place shows with the location group, or to the organisations attending."""
        if not self.groups or self.actor.membership is None:
            return []
        appointments = self.case.appointments.filter(cancelled_at__isnull=True).prefetch_related(
            "attendees"
        )
        if not self.sees(FieldGroup.SOCIAL):
            appointments = appointments.filter(attendees=self.actor.organisation_id).distinct()
        lines = []
        for appointment in appointments:
            attendees = list(appointment.attendees.all())
            attending = any(o.pk == self.actor.organisation_id for o in attendees)
            show_place = self.sees_location or attending
            lines.append(
                AppointmentLine(
                    at=appointment.at,
                    purpose=appointment.purpose,
                    place=appointment.place if show_place else "",
                    place_hidden=bool(appointment.place) and not show_place,
                    attendees=sorted({self.org_label(o) for o in attendees}),
                )
            )
        return lines

    def participants(self) -> list[ParticipantLine]:
        """Who takes part; the host facility is "a facility of the network" to readers who may
        not know where the person sleeps."""
        participations = self.case.participants.filter(active=True).select_related("organisation")
        return [
            ParticipantLine(
                pk=p.pk,
                organisation=self.org_label(p.organisation),
                role_label=str(p.get_role_display()),
                group_labels=p.group_labels(),
                basis=p.basis,
                consent_date=p.consent_date,
                legal_basis_label=str(p.get_legal_basis_display()) if p.legal_basis else "",
            )
            for p in participations
        ]

    # -- referrals ----------------------------------------------------------------------------

    def referral_group(self, referral) -> str:
        """The field group that covers a referral's content (its domain of the pathway)."""
        from parcours.referrals.pathway import DOMAIN_OF_KIND, DOMAINS

        return DOMAINS[DOMAIN_OF_KIND.get(referral.service.kind, "income")][1]

    def may_read_referral(self, referral) -> bool:
        """Its sender and its recipient read a referral; any other reader of the case only when
        it sees the group of the referral's domain (the SIAO does not read an immigration
        referral, a CCAS does not read a health-insurance one)."""
        organisation_id = getattr(self.actor, "organisation_id", None)
        if organisation_id is not None and organisation_id in (
            referral.from_org_id,
            referral.to_org_id,
        ):
            return True
        return self.visible and self.sees(self.referral_group(referral))

    def recipient_label(self, referral) -> str:
        """A shelter-domain recipient is a place where the person may sleep: named only to
        readers of the location group (and to itself)."""
        from parcours.referrals.pathway import DOMAIN_OF_KIND, LOCATION_DOMAINS

        if referral.to_org_id == getattr(self.actor, "organisation_id", None):
            return referral.to_org.name
        if DOMAIN_OF_KIND.get(referral.service.kind) in LOCATION_DOMAINS and not self.sees_location:
            return str(NETWORK_FACILITY)
        return self.org_label(referral.to_org)

    def referral_line(self, referral, now=None) -> ReferralLine:
        from parcours.referrals import deadlines
        from parcours.referrals.enums import REFUSAL_LABELS, ServiceKind

        recipient = self.recipient_label(referral)
        hidden = recipient != referral.to_org.name
        kind_label = str(
            dict(ServiceKind.choices).get(referral.service.kind, referral.service.kind)
        )
        return ReferralLine(
            ref=referral.ref,
            kind=referral.service.kind,
            kind_label=kind_label,
            status=referral.status,
            status_label=str(referral.get_status_display()),
            service=kind_label if hidden else referral.service.name,
            recipient=recipient,
            urgency_label=str(referral.get_urgency_display()),
            sent_at=referral.sent_at,
            refusal_label=str(REFUSAL_LABELS.get(referral.refusal_code, referral.refusal_code))
            if referral.refusal_code
            else "",
            is_overdue=deadlines.overdue(referral, now or timezone.now()),
        )

    # -- conferences --------------------------------------------------------------------------

    def conferences(self):
        """The case's conferences as this reader may see them (``conferences.reading``)."""
        from parcours.conferences.reading import conference_lines

        return conference_lines(self)

    def conference(self, conference):
        """One conference of the case as this reader may see it (``conferences.reading``)."""
        from parcours.conferences.reading import conference_detail

        return conference_detail(self, conference)


def _conference_of(task) -> int | None:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return task.decision.conference_id
    except ObjectDoesNotExist:
        return None


def case_view(request_or_actor, case) -> CaseView:
    """The redaction object of (actor, case), computed once per request."""
    actor = getattr(request_or_actor, "actor", request_or_actor)
    store = getattr(request_or_actor, "_parcours_case_views", None)
    if store is None:
        store = {}
        try:
            request_or_actor._parcours_case_views = store
        except AttributeError:  # a frozen Actor: no per-request store, compute each time
            return CaseView(actor, case)
    key = (case.pk, getattr(actor, "organisation_id", None), case.version)
    view = store.get(key)
    if view is None or view.case is not case:
        view = store[key] = CaseView(actor, case)
    return view


@dataclass(frozen=True)
class PersonSection:
    code: str
    label: str
    visible: bool
    fields: list[tuple[str, str]]
    why_hidden: str = ""  # what the reader is told when it does not see the group


@dataclass(frozen=True)
class HistoryLine:
    at: datetime.datetime
    who: str
    organisation: str
    action_label: str
    object_ref: str
    groups: list[str]
    seq: int = 0  # the entry's number: where the next (older) page starts


class PersonView:
    """What ``actor`` may see of a person: the union of what each of their cases in the actor's
    scope shows, and, for the referent, the access history with the same labels."""

    def __init__(self, actor, person):
        from parcours.access.scopes import visible_cases

        self.actor = actor
        self.person = person
        self.cases = list(
            visible_cases(actor, person.cases.select_related("referent_org", "referent_user"))
        )
        for case in self.cases:
            case.person = person
        self.case_views = [CaseView(actor, case) for case in self.cases]
        self.groups = frozenset().union(*(view.groups for view in self.case_views))
        self.sees_location = FieldGroup.LOCATION in self.groups

    def case_lines(self) -> list[tuple[CaseSummary, str]]:
        return [(view.summary, view.summary.referent_org.name) for view in self.case_views]

    def sections(self) -> list[PersonSection]:
        from parcours.people.models import FIELD_GROUPS

        sections = []
        for group, label in FieldGroup.choices:
            fields = []
            if group in self.groups:
                for name in FIELD_GROUPS[group]:
                    model_field = self.person._meta.get_field(name)
                    fields.append((str(model_field.verbose_name), _display(self.person, name)))
            why = ""
            if group not in self.groups:
                why = str(
                    LOCATION_BY_DESIGNATION
                    if group == FieldGroup.LOCATION and not rules.may_reveal_location(self.actor)
                    else NOT_SHARED
                )
            sections.append(PersonSection(group, str(label), group in self.groups, fields, why))
        return sections

    @cached_property
    def hidden_org_ids(self) -> set[int]:
        if self.sees_location:
            return set()
        hidden: set[int] = set()
        for case in self.person.cases.all():
            hidden |= location_revealing_org_ids(case)
        own = getattr(self.actor, "organisation_id", None)
        hidden.discard(own)
        return hidden

    def history(self, limit: int, before: int | None = None) -> list[HistoryLine]:
        """The newest ``limit`` journal entries about the person and their cases, or those
        numbered below ``before`` (the next page: keyset pagination on the journal's
        ``(object_ref, seq)`` index, read in SQL, never all loaded). Members of a host facility
        are "a facility of the network" to readers without the location group: neither their
        name nor their organisation shows."""
        from parcours.audit.journal import history_page

        labels = dict(FieldGroup.choices)
        lines = []
        for entry in history_page(self.person, limit, before):
            hidden = entry.organisation_id in self.hidden_org_ids
            if hidden:
                who, organisation = "—", str(NETWORK_FACILITY)
            else:
                who = entry.user.display_name() if entry.user else entry.username
                organisation = entry.organisation.name if entry.organisation else "—"
            lines.append(
                HistoryLine(
                    at=entry.at,
                    who=who,
                    organisation=organisation,
                    action_label=entry.action_label(),
                    object_ref=entry.object_ref,
                    groups=[str(labels.get(g, g)) for g in entry.groups],
                    seq=entry.seq,
                )
            )
        return lines


def _display(person, name: str) -> str:
    value = getattr(person, name)
    if name == "birth_date":
        return person.birth_date_display()
    if name == "sex":
        return str(person.get_sex_display())
    if isinstance(value, list):
        return ", ".join(value)
    return value or ""
