"""The tables the seed writes, in the order of their foreign keys, with the columns the generator
fills (``rows.Table``: every other field takes its default). ``id`` is among the columns of the
rows others point at: the seed chooses their ids (``parcours.demo.seed.ids``), so that a batch
is complete when it leaves the generator, in a worker process, without asking the database.
"""

from parcours.alerts.models import Notification
from parcours.cases.models import Appointment, Case, Contact, Event, Participant, Task, Transition
from parcours.conferences.models import (
    AgendaItem,
    Conference,
    ConferenceConsent,
    Decision,
    Invitation,
)
from parcours.demo.seed.rows import Table
from parcours.people.models import Person, SearchToken
from parcours.referrals.models import Consent, Referral, ReferralTransition
from parcours.rights.models import Fact
from parcours.shelter.models import (
    DangerZone,
    Placement,
    PlacementRequest,
    PlacementTransition,
    RiskAssessment,
)

LOG = ["from_status", "to_status", "at", "by_user_id", "by_org_id", "note"]

# name -> (model, columns), in the order they are written (foreign keys first).
SPECS = {
    "person": (
        Person,
        [
            "id",
            "ref",
            "created_at",
            "family_name",
            "given_names",
            "aliases",
            "birth_date",
            "sex",
            "nationalities",
            "languages",
            "phone",
            "location_now",
            "safety_notes",
            "health_notes",
            "justice_notes",
            "immigration_notes",
            "social_notes",
        ],
    ),  # fmt: skip
    "token": (SearchToken, ["person_id", "kind", "digest"]),
    "case": (
        Case,
        [
            "id",
            "ref",
            "person_id",
            "episode",
            "referent_org_id",
            "referent_user_id",
            "status",
            "opened_at",
            "closed_at",
            "last_contact_at",
            "intake_token",
            "created_by_id",
            "version",
        ],
    ),  # fmt: skip
    "transition": (Transition, ["case_id", *LOG[:-1], "reason"]),  # its note is "reason"
    "participant": (
        Participant,
        [
            "case_id",
            "organisation_id",
            "role",
            "groups",
            "basis",
            "consent_date",
            "legal_basis",
            "active",
            "added_at",
            "added_by_id",
            "ended_at",
        ],
    ),  # fmt: skip
    "event": (
        Event,
        ["case_id", "kind", "group", "at", "by_user_id", "by_org_id", "summary", "data"],
    ),
    "contact": (
        Contact,
        ["case_id", "at", "channel", "by_user_id", "by_org_id", "note", "request_token"],
    ),
    "task": (
        Task,
        [
            "id",
            "case_id",
            "title",
            "owner_org_id",
            "due_on",
            "status",
            "created_at",
            "created_by_id",
            "done_at",
            "done_by_id",
        ],
    ),  # fmt: skip
    "consent": (
        Consent,
        [
            "id",
            "case_id",
            "recipient_id",
            "purpose",
            "given_on",
            "how",
            "language",
            "interpreter",
            "recorded_by_id",
            "recorded_at",
        ],
    ),  # fmt: skip
    "referral": (
        Referral,
        [
            "id",
            "ref",
            "case_id",
            "service_id",
            "from_org_id",
            "to_org_id",
            "purpose",
            "shared_groups",
            "status",
            "refusal_code",
            "refusal_text",
            "basis",
            "legal_basis",
            "consent_id",
            "request_token",
            "version",
            "created_at",
            "sent_at",
            "answered_at",
            "created_by_id",
        ],
    ),  # fmt: skip
    "referral_transition": (ReferralTransition, ["referral_id", *LOG]),
    "fact": (
        Fact,
        ["case_id", "name", "value", "recorded_at", "recorded_by_id", "organisation_id"],
    ),
    "risk": (
        RiskAssessment,
        ["case_id", "dangers", "level", "note", "assessed_at", "assessed_by_id", "by_org_id"],
    ),
    "zone": (
        DangerZone,
        ["case_id", "kind", "reason", "where", "created_at", "created_by_id", "removed_at"],
    ),
    "request": (
        PlacementRequest,
        [
            "id",
            "case_id",
            "needs",
            "min_distance_km",
            "priority",
            "consent_date",
            "status",
            "created_at",
            "created_by_id",
            "version",
        ],
    ),  # fmt: skip
    "placement": (
        Placement,
        [
            "id",
            "request_id",
            "case_id",
            "facility_id",
            "manual_place",
            "order",
            "status",
            "places",
            "decline_code",
            "decline_text",
            "override_reason",
            "created_at",
            "created_by_id",
            "arrived_at",
            "version",
        ],
    ),  # fmt: skip
    "placement_transition": (PlacementTransition, ["placement_id", *LOG]),
    "appointment": (
        Appointment,
        [
            "id",
            "case_id",
            "at",
            "purpose",
            "place",
            "where",
            "created_at",
            "created_by_id",
            "cancelled_at",
        ],
    ),  # fmt: skip
    "attendee": (Appointment.attendees.through, ["appointment_id", "organisation_id"]),
    "conference": (
        Conference,
        [
            "id",
            "case_id",
            "at",
            "place",
            "person_invited",
            "person_attended",
            "status",
            "convened_by_org_id",
            "convened_by_id",
            "convened_at",
            "recorded_at",
            "recorded_by_id",
            "cancelled_at",
            "cancelled_by_id",
            "cancel_reason",
            "version",
        ],
    ),  # fmt: skip
    "conference_consent": (
        ConferenceConsent,
        [
            "conference_id",
            "given_on",
            "how",
            "language",
            "interpreter",
            "recorded_by_id",
            "recorded_at",
        ],
    ),  # fmt: skip
    "invitation": (Invitation, ["conference_id", "organisation_id", "attended"]),
    "agenda": (AgendaItem, ["conference_id", "position", "group", "text"]),
    "decision": (
        Decision,
        ["conference_id", "position", "group", "text", "owner_org_id", "due_on", "task_id"],
    ),
    "notification": (
        Notification,
        ["organisation_id", "user_id", "kind", "ref", "link", "params", "dedup_key", "created_at"],
    ),  # fmt: skip
}


class Tables:
    """One :class:`~parcours.demo.seed.rows.Table` per name of ``SPECS`` (as attributes)."""

    def __init__(self):
        self.names = list(SPECS)
        for name, (model, columns) in SPECS.items():
            setattr(self, name, Table(model, columns))

    def __iter__(self):
        return ((name, getattr(self, name)) for name in self.names)
