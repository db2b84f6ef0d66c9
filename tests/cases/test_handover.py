"""Handing a case over to another referent, with its acceptance (issue 4, item 4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.access import rules
from parcours.access.scopes import visible_cases
from parcours.alerts import inbox
from parcours.audit.models import JournalEntry
from parcours.cases import handover
from parcours.cases.models import Handover
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from parcours.core.roles import OrganisationKind
from tests.conftest import make_persona, sign_in


@pytest.fixture
def taker(db):
    """Caseworker of the association (in Lot-et-Garonne) asked to take the case over."""
    return make_persona("taker", dep="47")


def _propose(referent, case, taker, **kwargs):
    values = {
        "to_org": taker.actor.organisation,
        "reason": "La personne déménage",
        "basis": "consent",
        "consent_date": timezone.localdate(),
    }
    values.update(kwargs)
    return handover.propose(referent.actor, case, **values)


def test_nothing_changes_until_the_organisation_accepts(referent, taker, case):
    proposal = _propose(referent, case, taker)
    assert case not in visible_cases(taker.actor)  # the proposal, not the person
    assert handover.can_view(taker.actor, proposal)
    assert [n.kind for n in inbox.for_actor(taker.actor)] == ["handover_proposed"]
    case.refresh_from_db()
    assert case.referent_org == referent.actor.organisation


def test_acceptance_makes_a_new_referent_and_the_former_follows(referent, taker, case):
    proposal = _propose(referent, case, taker)
    version = case.version
    handover.accept(taker.actor, proposal, version)
    case.refresh_from_db()
    assert case.referent_org == taker.actor.organisation and case.referent_user == taker.user
    assert case.version == version + 1
    assert rules.can_edit_case(taker.actor, case)
    assert not rules.can_edit_case(referent.actor, case)
    assert rules.groups_for(referent.actor, case) == {"identity", "social"}
    assert [n.kind for n in inbox.for_actor(referent.actor)] == ["handover_accepted"]
    assert JournalEntry.objects.filter(action="case.handover_answer").exists()
    assert case.events.filter(kind="handover").count() == 2


def test_the_former_referent_may_leave_entirely(referent, taker, case):
    proposal = _propose(referent, case, taker, former_stays=False)
    handover.accept(taker.actor, proposal, case.version)
    assert case not in visible_cases(referent.actor)


def test_a_participant_becoming_referent_ends_its_participation(referent, participant, case):
    # The police unit cannot hold a case? It can: only coordinations and facilities cannot.
    proposal = _propose(referent, case, participant)
    taker_manager = make_persona("chief", organisation=participant.actor.organisation)
    handover.accept(taker_manager.actor, proposal, case.version)
    assert not case.participants.filter(
        organisation=participant.actor.organisation, active=True
    ).exists()
    case.refresh_from_db()
    assert rules.is_referent(participant.actor, case)


def test_only_the_referent_proposes(participant, taker, case):
    with pytest.raises(NotAllowed):
        _propose(participant, case, taker)


@pytest.mark.parametrize(
    "kind", [OrganisationKind.TERRITORIAL_COORDINATOR, OrganisationKind.SHELTER_FACILITY]
)
def test_a_coordination_or_a_facility_cannot_take_a_case(referent, case, kind):
    other = make_persona("other", kind=kind)
    with pytest.raises(DomainError):
        _propose(referent, case, other)


def test_a_basis_is_required(referent, taker, case):
    with pytest.raises(DomainError):
        _propose(referent, case, taker, consent_date=None)
    with pytest.raises(DomainError):
        _propose(referent, case, taker, basis="legal", consent_date=None)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        _propose(referent, case, taker, consent_date=tomorrow)
    assert not Handover.objects.exists()


def test_one_proposal_at_a_time(referent, taker, case):
    _propose(referent, case, taker)
    with pytest.raises(DomainError):
        _propose(referent, case, make_persona("third", dep="35"))


def test_only_the_asked_organisation_answers_and_only_once(referent, taker, outsider, case):
    proposal = _propose(referent, case, taker)
    with pytest.raises(NotAllowed):
        handover.accept(outsider.actor, proposal, case.version)
    with pytest.raises(NotAllowed):
        handover.accept(referent.actor, proposal, case.version)
    handover.decline(taker.actor, proposal, "Pas de place dans notre service")
    with pytest.raises(StaleVersion):
        handover.accept(taker.actor, proposal, case.version)
    assert [n.kind for n in inbox.for_actor(referent.actor)] == ["handover_declined"]


def test_a_case_changed_meanwhile_is_not_taken_over_blindly(referent, taker, case):
    proposal = _propose(referent, case, taker)
    with pytest.raises(StaleVersion):
        handover.accept(taker.actor, proposal, case.version - 1)
    case.refresh_from_db()
    assert case.referent_org == referent.actor.organisation


def test_declining_needs_a_reason(referent, taker, case):
    proposal = _propose(referent, case, taker)
    with pytest.raises(DomainError):
        handover.decline(taker.actor, proposal, "  ")


def test_the_referent_cancels(referent, taker, case):
    proposal = _propose(referent, case, taker)
    handover.cancel(referent.actor, proposal)
    assert Handover.objects.get().status == "cancelled"
    _propose(referent, case, taker)  # a new one may follow


def test_the_pages_play_the_hand_over(client, referent, taker, case):
    sign_in(client, referent)
    response = client.post(
        reverse("case_handover", kwargs={"ref": case.ref}),
        {
            "to_org": taker.actor.organisation.pk,
            "reason": "Suivi plus proche",
            "basis": "legal",
            "legal_basis": "casf_l121_6_2",
            "former_stays": "on",
        },
    )
    assert response.status_code == 302
    proposal = Handover.objects.get()
    client.logout()
    sign_in(client, taker)
    assert case.ref in client.get(reverse("referral_inbox")).content.decode()
    detail = client.get(reverse("handover_detail", kwargs={"pk": proposal.pk})).content.decode()
    assert "Suivi plus proche" in detail and case.person.full_name not in detail
    answer = reverse("handover_answer", kwargs={"pk": proposal.pk})
    response = client.post(answer, {"decision": "decline", "version": case.version})
    assert response.status_code == 400  # a decline needs a reason
    response = client.post(answer, {"decision": "accept", "version": case.version})
    assert response["Location"] == reverse("case_detail", kwargs={"ref": case.ref})
    page = client.get(response["Location"]).content.decode()
    assert case.person.list_name in page
