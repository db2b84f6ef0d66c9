"""Case conferences as services: who convenes, the person's consent before any decision,
decisions that become tasks, cancellation, stale pages, and what each reader sees."""

import datetime

import pytest
from django.utils import timezone, translation

from parcours.access import rules
from parcours.access.redaction import CaseView
from parcours.alerts.models import Notification
from parcours.audit.enums import Action
from parcours.audit.models import JournalEntry
from parcours.cases import lifecycle
from parcours.cases.enums import EventKind, ParticipantRole, SharingBasis
from parcours.cases.models import Task
from parcours.cases.services import add_participant
from parcours.conferences import rules as conference_rules
from parcours.conferences import services
from parcours.conferences.enums import ConferenceStatus
from parcours.conferences.models import Conference, Decision
from parcours.core.actor import actor_for
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from tests.conferences.conftest import (
    JUSTICE_DECISION,
    JUSTICE_POINT,
    SOCIAL_DECISION,
    SOCIAL_POINT,
    consent,
    convene,
)
from tests.conftest import PERSON, make_persona


def _journal(action, case):
    return JournalEntry.objects.filter(action=action, object_ref=case.ref)


# Convening --------------------------------------------------------------------------------


def test_referent_convenes_invites_the_pathway_and_tells_the_others(
    referent, participant, partner, case
):
    conference = convene(referent.actor, case)
    invited = set(conference.invitations.values_list("organisation_id", flat=True))
    assert invited == {
        case.referent_org_id,
        participant.actor.organisation_id,
        partner.actor.organisation_id,
    }
    assert [item.text for item in conference.agenda.all()] == [SOCIAL_POINT, JUSTICE_POINT]
    assert conference.status == ConferenceStatus.PLANNED
    notices = Notification.objects.filter(kind="conference_convened")
    assert {n.organisation_id for n in notices} == {
        participant.actor.organisation_id,
        partner.actor.organisation_id,
    }  # not the convener's own organisation
    for notice in notices:  # the reference and a link, nothing about the person
        assert notice.ref == case.ref and notice.link.startswith(f"/dossiers/{case.ref}/reunions/")
        text = f"{notice.title} {notice.params}"
        assert PERSON["family_name"] not in text and PERSON["given_names"] not in text
    entry = _journal(Action.CONFERENCE_CONVENE, case).get()
    assert entry.groups == ["justice", "social"] and entry.user == referent.user
    event = case.events.get(kind=EventKind.CONFERENCE)
    assert event.data["conference"] == conference.pk and event.data["status"] == "planned"
    assert event.summary == ""  # described in the reader's language, from codes
    with translation.override("en"):
        assert event.describe().startswith("Convened for ")


def test_only_the_referent_or_a_coordinator_of_the_case_convenes(
    referent, participant, outsider, coordinator, territorial, partner, case
):
    for persona in (participant, outsider, coordinator):  # national: not its territory
        assert not conference_rules.can_convene(persona.actor, case)
        with pytest.raises(NotAllowed):
            convene(persona.actor, case)
    assert not conference_rules.can_convene(partner.actor, case)  # a participant, not referent
    assert conference_rules.can_convene(territorial.actor, case)
    conference = convene(
        territorial.actor, case, agenda=[{"text": SOCIAL_POINT, "group": "social"}]
    )
    assert conference.convened_by_org == territorial.actor.organisation
    assert conference.invitations.filter(organisation=territorial.actor.organisation).exists()


def test_a_coordinator_cannot_put_on_the_agenda_what_it_may_not_see(territorial, case):
    assert "justice" not in rules.groups_for(territorial.actor, case)
    with pytest.raises(DomainError):
        convene(territorial.actor, case)  # the default agenda has a justice point
    assert not Conference.objects.exists()


def test_no_conference_on_a_closed_case(referent, case):
    lifecycle.move(case, "closed", referent.actor, reason="Fin d'accompagnement")
    case.refresh_from_db()
    with pytest.raises(NotAllowed):
        convene(referent.actor, case)


def test_convening_needs_an_agenda_a_date_to_come_and_organisations_of_the_pathway(
    referent, outsider, case
):
    with pytest.raises(DomainError):
        convene(referent.actor, case, agenda=[{"text": "  ", "group": "social"}])
    with pytest.raises(DomainError):
        convene(referent.actor, case, at=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(DomainError):
        convene(referent.actor, case, invited=[outsider.actor.organisation])
    assert not Conference.objects.exists()
    assert not Notification.objects.exists()


def test_the_host_shelter_is_invited_only_by_who_sees_the_location(
    referent, participant, territorial, case
):
    shelter = make_persona("shelter", dep="33")
    add_participant(
        referent.actor,
        case,
        organisation=shelter.actor.organisation,
        role=ParticipantRole.SHELTER,
        groups=["identity", "location"],
        basis=SharingBasis.CONSENT,
        consent_date=timezone.localdate(),
    )
    conference = convene(referent.actor, case)
    assert conference.invitations.filter(organisation=shelter.actor.organisation).exists()

    def invited(persona):
        view = CaseView(actor_for(persona.user), case)
        return [line.organisation for line in view.conference(conference).invitations]

    name = shelter.actor.organisation.name
    assert name not in invited(participant)  # the police: identity and justice only
    assert name in invited(referent)  # designated for locations
    assert name in invited(shelter)  # an organisation always sees its own name


# Consent -----------------------------------------------------------------------------------


def test_only_the_referent_records_the_persons_consent(referent, participant, planned, case):
    with pytest.raises(NotAllowed):
        consent(participant.actor, planned)
    with pytest.raises(DomainError):
        consent(referent.actor, planned, given_on=timezone.localdate() + datetime.timedelta(1))
    with pytest.raises(DomainError):
        consent(referent.actor, planned, how="telepathy")
    recorded = consent(referent.actor, planned, interpreter="Interprète fictif")
    assert recorded.language == "soussou" and recorded.recorded_by == referent.user
    assert _journal(Action.CONFERENCE_CONSENT, case).count() == 1
    with pytest.raises(DomainError):
        consent(referent.actor, planned)  # already recorded


# Recording ---------------------------------------------------------------------------------


def test_no_decision_without_the_persons_consent(referent, participant, partner, case):
    conference = convene(referent.actor, case, past=True)
    with pytest.raises(DomainError, match="consent"):
        services.record_conference(
            referent.actor,
            conference,
            attended=[case.referent_org],
            decisions=[{"text": "x", "group": "social", "owner_org": partner.actor.organisation}],
        )
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.PLANNED
    assert not Task.objects.exists() and not Decision.objects.exists()
    assert not _journal(Action.CONFERENCE_RECORD, case).exists()


def test_decisions_become_tasks_for_their_organisations(referent, participant, partner, case, held):
    assert held.status == ConferenceStatus.HELD and held.recorded_by == referent.user
    social, justice = held.decisions.order_by("position")
    assert social.task.owner_org == partner.actor.organisation
    assert social.task.title == SOCIAL_DECISION and social.task.status == Task.Status.OPEN
    assert justice.task.owner_org == participant.actor.organisation
    assert justice.task.due_on == justice.due_on
    # A task is read by whoever sees the social group: a justice decision gets a neutral title.
    assert JUSTICE_DECISION not in justice.task.title
    assert {i.organisation_id for i in held.invitations.filter(attended=True)} == {
        case.referent_org_id,
        participant.actor.organisation_id,
        partner.actor.organisation_id,
    }
    notices = Notification.objects.filter(kind="task_assigned")
    assert {n.organisation_id for n in notices} == {
        participant.actor.organisation_id,
        partner.actor.organisation_id,
    }
    assert _journal(Action.CONFERENCE_RECORD, case).get().groups == ["justice", "social"]
    assert _journal(Action.ADD_TASK, case).count() == 2
    with pytest.raises(DomainError):  # recorded once
        services.record_conference(referent.actor, held)


def test_a_decision_goes_to_an_organisation_that_may_read_it(
    referent, participant, outsider, partner, past
):
    police = participant.actor.organisation
    with pytest.raises(DomainError):  # the police unit does not see the social situation
        services.record_conference(
            referent.actor,
            past,
            decisions=[{"text": SOCIAL_DECISION, "group": "social", "owner_org": police}],
        )
    with pytest.raises(DomainError):  # not in the pathway
        services.record_conference(
            referent.actor,
            past,
            decisions=[{"text": "x", "group": "social", "owner_org": outsider.actor.organisation}],
        )
    with pytest.raises(DomainError):  # only invited organisations attend
        services.record_conference(referent.actor, past, attended=[outsider.actor.organisation])
    past.refresh_from_db()
    assert past.status == ConferenceStatus.PLANNED and not Task.objects.exists()


def test_a_conference_is_recorded_once_it_has_taken_place(referent, planned):
    consent(referent.actor, planned)
    with pytest.raises(DomainError):
        services.record_conference(referent.actor, planned)


def test_a_coordinator_of_the_case_records_after_the_referent_got_consent(
    referent, territorial, partner, case
):
    conference = convene(
        territorial.actor, case, past=True, agenda=[{"text": SOCIAL_POINT, "group": "social"}]
    )
    with pytest.raises(NotAllowed):
        consent(territorial.actor, conference)
    consent(referent.actor, conference)
    held = services.record_conference(
        territorial.actor,
        conference,
        attended=[territorial.actor.organisation],
        decisions=[
            {"text": SOCIAL_DECISION, "group": "social", "owner_org": partner.actor.organisation}
        ],
    )
    assert held.decisions.get().task.owner_org == partner.actor.organisation


def test_participants_and_outsiders_cannot_record_or_cancel(participant, partner, outsider, past):
    for persona in (participant, partner, outsider):
        with pytest.raises(NotAllowed):
            services.record_conference(persona.actor, past)
        with pytest.raises(NotAllowed):
            services.cancel(persona.actor, past, reason="x")


def test_a_stale_page_is_refused(referent, past):
    with pytest.raises(StaleVersion):
        services.record_conference(referent.actor, past, expected_version=past.version - 1)
    with pytest.raises(StaleVersion):
        services.cancel(referent.actor, past, reason="x", expected_version=past.version - 1)
    planned = convene(referent.actor, past.case)
    with pytest.raises(StaleVersion):
        consent(referent.actor, planned, expected_version=planned.version + 1)


# Cancelling --------------------------------------------------------------------------------


def test_cancel_says_why_and_tells_the_invited(referent, participant, partner, planned, case):
    with pytest.raises(DomainError):
        services.cancel(referent.actor, planned, reason="  ")
    cancelled = services.cancel(
        referent.actor, planned, reason="La personne est hospitalisée", expected_version=1
    )
    assert cancelled.status == ConferenceStatus.CANCELLED and cancelled.cancelled_at
    notices = Notification.objects.filter(kind="conference_cancelled")
    assert {n.organisation_id for n in notices} == {
        participant.actor.organisation_id,
        partner.actor.organisation_id,
    }
    assert _journal(Action.CONFERENCE_CANCEL, case).count() == 1
    with pytest.raises(DomainError):
        services.cancel(referent.actor, cancelled, reason="encore")
    with pytest.raises(DomainError):
        consent(referent.actor, cancelled)


def test_a_held_conference_cannot_be_cancelled(referent, held):
    with pytest.raises(DomainError):
        services.cancel(referent.actor, held, reason="Trop tard")


# Reading -----------------------------------------------------------------------------------


def _texts(items):
    return [item.text for item in items]


def test_each_reader_sees_the_points_and_decisions_of_its_groups(
    referent, participant, partner, outsider, case, held
):
    def seen(persona):
        view = CaseView(actor_for(persona.user), case)
        if not view.visible:
            return ([], [])
        detail = view.conference(held)
        return (_texts(detail.agenda), _texts(detail.decisions))

    assert seen(referent) == (
        [SOCIAL_POINT, JUSTICE_POINT],
        [SOCIAL_DECISION, JUSTICE_DECISION],
    )
    assert seen(participant) == ([JUSTICE_POINT], [JUSTICE_DECISION])
    assert seen(partner) == ([SOCIAL_POINT], [SOCIAL_DECISION])
    assert seen(outsider) == ([], [])
    assert CaseView(outsider.actor, case).conferences() == []
    assert not conference_rules.can_view_conference(outsider.actor, held)
    assert [line.pk for line in CaseView(participant.actor, case).conferences()] == [held.pk]
