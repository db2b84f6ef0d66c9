"""Who sees which case, and which field groups of the person."""

import pytest

from parcours.access import rules
from parcours.access.scopes import visible_cases, visible_people
from parcours.cases import services
from parcours.core.groups import ALL_GROUPS
from parcours.core.roles import OrganisationKind, Role
from tests import personas
from tests.conftest import make_persona


def test_referent_sees_every_group(case, referent):
    assert rules.groups_for(referent.actor, case) == ALL_GROUPS


def test_participant_sees_exactly_the_shared_groups(case, participant):
    assert rules.groups_for(participant.actor, case) == {"identity", "justice"}


def test_outsider_sees_nothing(case, outsider):
    assert case not in visible_cases(outsider.actor)
    assert case.person not in visible_people(outsider.actor)
    assert rules.groups_for(outsider.actor, case) == frozenset()


def test_national_coordinator_sees_no_case_without_a_reason(case, coordinator):
    """No territory: outside the cases it takes part in, only break-glass opens a case."""
    assert case not in visible_cases(coordinator.actor)
    assert rules.groups_for(coordinator.actor, case) == frozenset()


def test_territorial_coordinator_sees_its_departement_only(case, db):
    same = personas.territorial("coord33", dep="33")
    other = personas.territorial("coord69", dep="69")
    assert case in visible_cases(same.actor)
    assert case not in visible_cases(other.actor)


def test_a_caseworker_of_a_coordination_has_no_territorial_view(case, db):
    clerk = make_persona("clerk", kind=OrganisationKind.NATIONAL_COORDINATOR, role=Role.CASEWORKER)
    assert case not in visible_cases(clerk.actor)


def test_statistician_sees_no_case_even_as_referent_member(case, referent, db):
    statistician = make_persona(
        "stat", role=Role.STATISTICIAN, organisation=referent.actor.organisation
    )
    assert not visible_cases(statistician.actor).exists()
    assert not rules.can_view_case(statistician.actor, case)


def test_role_caps_what_a_participant_is_granted(case, referent, db):
    """A shelter granted 'justice' by mistake still cannot read it: its role does not allow it."""
    shelter = make_persona(
        "shelter",
        kind=OrganisationKind.SHELTER_FACILITY,
        role=Role.FACILITY_STAFF,
        may_reveal_location=True,
    )
    services.add_participant(
        referent.actor,
        case,
        organisation=shelter.actor.organisation,
        role="shelter",
        groups=["identity", "location", "justice"],
        basis="consent",
        consent_date=case.opened_at.date(),
    )
    assert rules.groups_for(shelter.actor, case) == {"identity", "location"}


def test_revoked_membership_stops_at_once(case, referent):
    membership = referent.actor.membership
    membership.active = False
    membership.save()
    from parcours.core.actor import actor_for

    actor = actor_for(referent.user)
    assert actor.membership is None
    assert not visible_cases(actor).exists()


@pytest.mark.parametrize("persona", ["referent", "participant", "coordinator"])
def test_scoped_queryset_and_rule_agree(persona, case, request):
    actor = request.getfixturevalue(persona).actor
    assert (case in visible_cases(actor)) == rules.can_view_case(actor, case)


def test_anonymous_actor_sees_nothing(case):
    assert not visible_cases(None).exists()
    assert not rules.can_view_case(None, case)


def test_location_only_for_members_who_may_reveal_it(case, referent, db):
    """Same organisation, same role: only the designated member sees where the person sleeps."""
    colleague = personas.colleague(referent, "colleague")
    assert "location" in rules.groups_for(referent.actor, case)
    assert "location" not in rules.groups_for(colleague.actor, case)
    assert rules.groups_for(colleague.actor, case) == ALL_GROUPS - {"location"}
