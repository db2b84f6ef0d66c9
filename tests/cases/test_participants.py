"""The one writer of access: the sharing basis is checked on every path, nobody shares what they
do not see, and ending a host role gives back what was shared before (issue 9, leaks 8 and 9)."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.access import rules
from parcours.accounts.models import Membership
from parcours.cases import participants, services, sharing_refusal
from parcours.cases.enums import LegalBasis, SharingBasis
from parcours.core.actor import actor_for
from parcours.core.errors import DomainError
from parcours.core.roles import OrganisationKind, Role
from parcours.referrals import services as referrals
from parcours.shelter import placement
from tests import personas
from tests.conftest import PERSON, join_case, make_persona, sign_in
from tests.factories import ServiceFactory
from tests.shelter.conftest import host_the_person


@pytest.fixture
def ccas(db):
    return make_persona("ccas-p", kind=OrganisationKind.CCAS, dep="33")


def _add(referent, case, organisation, **kwargs):
    values = {
        "role": "support",
        "groups": ["identity", "social"],
        "basis": SharingBasis.CONSENT,
        "consent_date": timezone.localdate(),
    }
    values.update(kwargs)
    return services.add_participant(referent.actor, case, organisation=organisation, **values)


def test_consent_is_refused_after_the_person_refused_all_sharing(referent, case, ccas, client):
    sharing_refusal.record_refusal(referent.actor, case)
    with pytest.raises(DomainError, match="refused all sharing|refusé tout partage"):
        _add(referent, case, ccas.actor.organisation)
    # Through the page, as the caseworker would type it: refused, nothing written.
    sign_in(client, referent)
    response = client.post(
        reverse("case_participant_add", kwargs={"ref": case.ref}),
        {
            "organisation": ccas.actor.organisation.pk,
            "role": "support",
            "groups": ["identity"],
            "basis": "consent",
            "consent_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "refusé tout partage" in response.content.decode()
    assert not case.participants.filter(organisation=ccas.actor.organisation).exists()
    # A legal basis still allows it.
    _add(
        referent,
        case,
        ccas.actor.organisation,
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.SOCIAL_ACTION,
    )


def test_refusing_all_sharing_ends_the_participations_on_consent(referent, case, participant):
    assert rules.can_view_case(participant.actor, case)
    sharing_refusal.record_refusal(referent.actor, case)
    assert not rules.can_view_case(actor_for(participant.user), case)


@pytest.fixture
def minor_case(referent):
    today = timezone.localdate()
    person = dict(PERSON, birth_date={"year": today.year - 16, "month": None, "day": None})
    return services.open_case(referent.actor, person)


def test_a_minor_is_shared_under_child_protection_law_not_on_consent(referent, minor_case, ccas):
    with pytest.raises(DomainError, match="minor|mineure"):
        _add(referent, minor_case, ccas.actor.organisation)
    with pytest.raises(DomainError, match="minor|mineure"):
        _add(
            referent,
            minor_case,
            ccas.actor.organisation,
            basis=SharingBasis.LEGAL,
            legal_basis=LegalBasis.SOCIAL_ACTION,
        )
    _add(
        referent,
        minor_case,
        ccas.actor.organisation,
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.CHILD_PROTECTION,
    )


def test_a_referral_on_consent_is_refused_for_a_minor(referent, minor_case, ccas):
    service = ServiceFactory(organisation=ccas.actor.organisation, social_support=True)
    with pytest.raises(DomainError, match="minor|mineure"):
        referrals.create_and_send(
            referent.actor,
            minor_case,
            service,
            purpose="Aide",
            basis=SharingBasis.CONSENT,
            request_token=uuid.uuid4(),
        )


def test_nobody_shares_a_group_they_do_not_see(case, referent, ccas):
    """A caseworker of the referent who is not designated for locations cannot give the
    location group to a participant."""
    colleague = personas.colleague(referent, "colleague-p")
    assert "location" not in rules.groups_for(colleague.actor, case)
    with pytest.raises(DomainError, match="do not see yourself|ne voyez pas vous-même"):
        services.add_participant(
            colleague.actor,
            case,
            organisation=ccas.actor.organisation,
            role="support",
            groups=["identity", "location"],
            basis=SharingBasis.CONSENT,
            consent_date=timezone.localdate(),
        )
    assert not case.participants.filter(organisation=ccas.actor.organisation).exists()


def test_a_consent_date_far_before_the_case_is_refused(referent, case, ccas):
    with pytest.raises(DomainError):
        _add(referent, case, ccas.actor.organisation, consent_date=datetime.date(1, 1, 1))


def test_ending_the_host_role_gives_back_what_was_shared_before(referent, case, host):
    join_case(referent, case, host, groups=["social"])
    proposed = host_the_person(referent, case, host)
    actor = actor_for(host.user)
    assert "location" in rules.groups_for(actor, case)
    placement.cancel(referent.actor, proposed)
    # Back to what it saw before it became the host: the social group, not the location.
    participation = case.participants.get(organisation=host.actor.organisation, active=True)
    assert participation.groups == ["social"] and participation.role == "support"
    assert rules.groups_for(actor, case) == {"social"}


def test_a_host_without_earlier_participation_loses_access_when_it_ends(referent, case, host):
    proposed = host_the_person(referent, case, host)
    placement.cancel(referent.actor, proposed)
    assert not rules.can_view_case(actor_for(host.user), case)


def test_every_grant_writes_ids_not_names_in_the_event(referent, case, ccas):
    _add(referent, case, ccas.actor.organisation)
    event = case.events.filter(kind="participant_added").latest("pk")
    assert event.data == {"organisation_id": ccas.actor.organisation.pk}
    assert ccas.actor.organisation.name not in str(event.data)


def test_the_basis_value_refuses_nonsense():
    with pytest.raises(DomainError):
        participants.Basis.of("maybe")


# -- leak 9: one definition of a coordinator ---------------------------------------------------


def test_the_coordinator_role_exists_only_in_a_coordination(db):
    association = make_persona("asso-c", dep="06")
    membership = Membership(
        user=association.user, organisation=association.actor.organisation, role=Role.COORDINATOR
    )
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_a_coordinator_role_written_around_the_validation_grants_nothing(case, client):
    """A member of an association given the coordinator role (say, by a script) sees no
    location without the designation and cannot run the batch allocation."""
    impostor = make_persona("impostor", dep="33", role=Role.COORDINATOR)
    actor = impostor.actor
    assert not rules.is_coordinator(actor)
    assert not rules.may_reveal_location(actor)
    assert not rules.can_view_case(actor, case)  # no territory to coordinate
    sign_in(client, impostor)
    assert client.get(reverse("batch_allocation")).status_code == 404
    assert client.get(reverse("break_glass")).status_code == 404


def test_a_form_of_memberships_refuses_a_coordinator_role_in_an_association(db):
    """The admin's forms are model forms: they run ``Membership.clean``."""
    from django.forms import modelform_factory

    association = make_persona("asso-adm", dep="06")
    form = modelform_factory(Membership, fields=["user", "organisation", "role"])(
        {
            "user": association.user.pk,
            "organisation": association.actor.organisation.pk,
            "role": Role.COORDINATOR,
        }
    )
    assert not form.is_valid()
    assert "role" in form.errors
