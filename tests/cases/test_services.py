import datetime
import uuid

import pytest
from django.utils import timezone

from parcours.access import rules
from parcours.access.scopes import visible_cases
from parcours.cases import lifecycle, services
from parcours.cases.enums import CaseStatus, ContactChannel, LegalBasis, SharingBasis
from parcours.cases.models import Case, Contact
from parcours.core.errors import DomainError, NotAllowed
from parcours.people.models import Person
from parcours.people.search import matching_person_ids
from tests import personas
from tests.conftest import PERSON, join_case, make_persona


def test_open_case_makes_the_organisation_referent(referent):
    case = services.open_case(referent.actor, dict(PERSON))
    assert case.referent_org == referent.actor.organisation
    assert case.referent_user == referent.user
    assert case.status == CaseStatus.OPEN
    assert case.transitions.get().to_status == CaseStatus.OPEN
    assert case.person.ref.startswith("P-")


def test_same_intake_posted_twice_makes_one_case(referent):
    token = uuid.uuid4()
    first = services.open_case(referent.actor, dict(PERSON), intake_token=token)
    second = services.open_case(referent.actor, dict(PERSON), intake_token=token)
    assert first.pk == second.pk
    assert Case.objects.count() == 1 and Person.objects.count() == 1


def test_intake_token_of_another_organisation_is_refused(referent, outsider):
    token = uuid.uuid4()
    services.open_case(referent.actor, dict(PERSON), intake_token=token)
    with pytest.raises(NotAllowed):
        services.open_case(outsider.actor, dict(PERSON), intake_token=token)


def test_intake_needs_a_name_or_alias(referent):
    with pytest.raises(DomainError):
        services.open_case(referent.actor, {"phone": "0600000000"})
    assert Person.objects.count() == 0


def test_investigators_cannot_open_cases(participant):
    with pytest.raises(NotAllowed):
        services.open_case(participant.actor, dict(PERSON))


def test_exact_search_by_name_alias_and_phone(referent):
    case = services.open_case(referent.actor, dict(PERSON))
    for query in ["Amadou Fictif", "fictif amadou", "FICTIF", "Amad", "+33 6 12 34 56 78"]:
        assert matching_person_ids(query) == {case.person_id}, query
    assert matching_person_ids("Amadou Fictive") == set()


def test_contact_brings_a_lost_case_back(case, referent):
    lifecycle.move(case, CaseStatus.CONTACT_LOST, referent.actor)
    services.log_contact(referent.actor, case, channel=ContactChannel.NO_ANSWER)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACT_LOST
    services.log_contact(referent.actor, case, channel=ContactChannel.PHONE, note="Rappelé")
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOWED
    assert case.last_contact_at is not None


def test_contact_retry_is_recorded_once(case, referent):
    token = uuid.uuid4()
    services.log_contact(referent.actor, case, channel="met", request_token=token)
    services.log_contact(referent.actor, case, channel="met", request_token=token)
    assert Contact.objects.filter(case=case).count() == 1


def test_contact_in_the_future_is_refused(case, referent):
    with pytest.raises(DomainError):
        services.log_contact(
            referent.actor, case, channel="met", at=timezone.now() + datetime.timedelta(days=1)
        )


def test_participant_needs_consent_date_or_legal_basis(case, referent, outsider):
    org = outsider.actor.organisation
    with pytest.raises(DomainError, match="date"):
        services.add_participant(
            referent.actor,
            case,
            organisation=org,
            role="support",
            groups=["identity"],
            basis=SharingBasis.CONSENT,
        )
    with pytest.raises(DomainError, match="base légale"):
        services.add_participant(
            referent.actor,
            case,
            organisation=org,
            role="support",
            groups=["identity"],
            basis=SharingBasis.LEGAL,
        )
    assert not rules.can_view_case(outsider.actor, case)
    services.add_participant(
        referent.actor,
        case,
        organisation=org,
        role="support",
        groups=["identity"],
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.SOCIAL_ACTION,
    )
    assert rules.can_view_case(outsider.actor, case)


def test_ending_a_participation_removes_access_at_once(case, referent, participant):
    assert case in visible_cases(participant.actor)
    services.end_participant(referent.actor, case.participants.get(active=True))
    assert case not in visible_cases(participant.actor)
    assert rules.groups_for(participant.actor, case) == frozenset()


def test_participants_cannot_add_participants(case, participant, outsider):
    with pytest.raises(NotAllowed):
        services.add_participant(
            participant.actor,
            case,
            organisation=outsider.actor.organisation,
            role="support",
            groups=["identity"],
            basis="legal",
            legal_basis=LegalBasis.SOCIAL_ACTION,
        )


def test_note_only_in_a_group_the_author_sees(referent, case):
    """A participant that sees the social group writes social notes, not safety ones; an
    organisation outside the case writes none."""
    partner = make_persona("partner-social", dep="33")
    join_case(referent, case, partner, groups=["social"])
    with pytest.raises(NotAllowed):
        services.add_note(partner.actor, case, text="Menaces (fictif)", group="safety")
    assert not case.events.filter(group="safety", kind="note").exists()
    services.add_note(partner.actor, case, text="Rendez-vous CAF pris (fictif)", group="social")
    assert case.events.filter(group="social", kind="note").count() == 1
    stranger = personas.facility_staff("shelter")
    with pytest.raises(NotAllowed):
        services.add_note(stranger.actor, case, text="x", group="social")
