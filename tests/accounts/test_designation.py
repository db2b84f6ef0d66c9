"""A manager designates which members of their organisation may see where a person sleeps
(issue 11, point 6): from the members page, after confirming their password, journaled; the
designated member must then sign in with a security key, and sees the location group."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from parcours.accounts import designation
from parcours.accounts.models import Membership
from parcours.audit.journal import verify
from parcours.audit.models import JournalEntry
from parcours.core.roles import OrganisationKind, Role
from tests import personas
from tests.conftest import PASSWORD, TEST_TOTP_SECRET, sign_in

ACTION = "membership.location"
WHERE_SHE_SLEEPS = "Foyer Les Acacias"  # the standard person's location group (tests.personas)


@pytest.fixture
def manager(referent):
    """The manager of the association holding the ``case`` fixture."""
    return personas.colleague(referent, name="manager", role=Role.MANAGER)


def _reauthenticated(client, persona):
    """``persona`` confirmed their password a moment ago, on allauth's re-authentication page
    (as the manager does when asked). A real sign-in also notes whose records the session
    keeps; ``sign_in`` does not, and allauth would start the records afresh without it."""
    session = client.session
    session["account_authentication_methods_user"] = str(persona.user.pk)
    session.save()
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, "re-authentication failed"
    return client


def _as_manager(client, manager):
    return _reauthenticated(sign_in(client, manager, factor="totp"), manager)


def _location_url(persona):
    return reverse("organisation_member_location", kwargs={"pk": persona.actor.membership.pk})


def _designated(persona) -> bool:
    return Membership.objects.get(pk=persona.actor.membership.pk).may_reveal_location


def _entries():
    return list(JournalEntry.objects.filter(action=ACTION).order_by("seq"))


def _person_page(client, case) -> str:
    return client.get(reverse("person_detail", kwargs={"ref": case.person.ref})).content.decode()


def test_the_manager_sees_the_members_their_roles_designation_and_keys(
    client, manager, referent, colleague
):
    Authenticator.objects.create(user=referent.user, type="webauthn", data={})
    personas.make_persona("elsewhere", dep="69")  # another association's member: not listed
    sign_in(client, manager, factor="totp")
    page = client.get(reverse("organisation_members"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Membres de {manager.actor.organisation.name}" in html
    assert "elsewhere" not in html
    rows = {row.membership.user.username: row for row in page.context["rows"]}
    assert set(rows) == {"manager", "referent", "colleague"}
    assert rows["referent"].designated and rows["referent"].has_key
    assert not rows["colleague"].designated and not rows["colleague"].has_key
    referent_row = html.split(f'data-testid="member-{referent.actor.membership.pk}"')[1]
    referent_row = referent_row.split("</tr>")[0]
    assert "Travailleur social" in referent_row and "Désigné" in referent_row
    assert "Enregistrée" in referent_row
    assert html.count('value="yes"') == 2  # designate: the manager and the colleague
    assert html.count('value="no"') == 1  # withdraw: the referent


def test_the_menu_links_to_the_members_page_for_managers_only(client, manager, colleague):
    link = f'href="{reverse("organisation_members")}"'
    sign_in(client, colleague, factor="totp")
    assert link not in client.get(reverse("my_cases")).content.decode()
    client.logout()
    sign_in(client, manager, factor="totp")
    assert link in client.get(reverse("my_cases")).content.decode()


def test_designating_asks_the_manager_to_confirm_their_password_first(client, manager, colleague):
    sign_in(client, manager, factor="totp")
    response = client.post(_location_url(colleague), {"allowed": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not _designated(colleague) and not _entries()
    # The password confirmed, the form posted before is applied.
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("organisation_members")
    assert _designated(colleague)
    assert len(_entries()) == 1


def test_a_designated_member_must_use_a_key_then_sees_where_the_person_sleeps(
    client, manager, colleague, case
):
    from django.test import Client

    member = Client()
    TOTP.activate(colleague.user, TEST_TOTP_SECRET)
    sign_in(member, colleague, factor="totp")
    assert WHERE_SHE_SLEEPS not in _person_page(member, case)

    _as_manager(client, manager)
    response = client.post(_location_url(colleague), {"allowed": "yes"}, follow=True)
    assert "peut désormais voir où dorment les personnes" in response.content.decode()
    assert "clé de sécurité" in response.content.decode()
    assert _designated(colleague)

    # Their very next request: no key yet, they are sent to register one, and see nothing.
    response = member.get(reverse("person_detail", kwargs={"ref": case.person.ref}))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_add_webauthn")

    # With a key, signed in with it: the location group is shown.
    Authenticator.objects.create(user=colleague.user, type="webauthn", data={})
    member.logout()
    sign_in(member, colleague, factor="webauthn")
    assert WHERE_SHE_SLEEPS in _person_page(member, case)

    # Withdrawn: gone at their next page, in the same session.
    response = client.post(_location_url(colleague), {"allowed": "no"}, follow=True)
    assert "ne voit plus où dorment les personnes" in response.content.decode()
    assert WHERE_SHE_SLEEPS not in _person_page(member, case)

    granted, withdrawn = _entries()
    membership_pk = colleague.actor.membership.pk
    for entry, what in ((granted, "granted"), (withdrawn, "withdrawn")):
        assert entry.user == manager.user
        assert entry.organisation == manager.actor.organisation
        assert entry.reason == f"{membership_pk}:{what}"
        assert entry.groups == ["location"]
    assert verify().ok


def test_a_double_submit_changes_nothing_the_second_time(client, manager, colleague):
    _as_manager(client, manager)
    for _ in range(2):
        response = client.post(_location_url(colleague), {"allowed": "yes"})
        assert response.status_code == 302
    assert _designated(colleague)
    assert len(_entries()) == 1
    for _ in range(2):
        client.post(_location_url(colleague), {"allowed": "no"})
    assert not _designated(colleague)
    assert len(_entries()) == 2


@pytest.mark.parametrize("role", [Role.STATISTICIAN, Role.INVESTIGATOR])
def test_a_role_that_never_sees_locations_is_refused_with_a_message(client, manager, role):
    member = personas.colleague(manager, name="nolocation", role=role)
    _as_manager(client, manager)
    page = client.get(reverse("organisation_members")).content.decode()
    assert "Ce rôle ne le voit jamais : il ne peut pas être désigné." in page
    response = client.post(_location_url(member), {"allowed": "yes"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ne voit jamais où dorment les personnes : il ne peut pas être désigné" in html
    assert "Rien n’a été modifié." in html
    assert not _designated(member) and not _entries()


def test_a_designation_given_in_the_admin_to_such_a_role_can_be_withdrawn(client, manager):
    member = personas.colleague(
        manager, name="stat", role=Role.STATISTICIAN, may_reveal_location=True
    )
    _as_manager(client, manager)
    assert client.post(_location_url(member), {"allowed": "no"}).status_code == 302
    assert not _designated(member) and len(_entries()) == 1


def test_a_coordinator_needs_no_designation(client, db):
    coordination = personas.territorial().actor.organisation
    head = personas.make_persona("head", organisation=coordination, role=Role.MANAGER)
    coordinator = Membership.objects.get(organisation=coordination, role=Role.COORDINATOR)
    _as_manager(client, head)
    page = client.get(reverse("organisation_members")).content.decode()
    assert "Le voit en tant que coordinateur" in page
    url = reverse("organisation_member_location", kwargs={"pk": coordinator.pk})
    response = client.post(url, {"allowed": "yes"})
    assert response.status_code == 400
    assert "aucune désignation n’est nécessaire" in response.content.decode()
    coordinator.refresh_from_db()
    assert not coordinator.may_reveal_location and not _entries()


def test_a_post_without_the_state_wanted_is_refused(client, manager, colleague):
    _as_manager(client, manager)
    response = client.post(_location_url(colleague), {"allowed": "maybe"})
    assert response.status_code == 400
    assert "Indiquez si le membre est désigné ou non." in response.content.decode()
    assert not _designated(colleague) and not _entries()


def test_a_caseworker_gets_404(client, colleague, referent):
    _reauthenticated(sign_in(client, colleague, factor="totp"), colleague)
    assert client.get(reverse("organisation_members")).status_code == 404
    assert client.post(_location_url(referent), {"allowed": "no"}).status_code == 404
    assert _designated(referent)


def test_another_organisations_manager_gets_404(client, manager, colleague):
    other = personas.make_persona("othermanager", dep="69", role=Role.MANAGER)
    _as_manager(client, other)
    page = client.get(reverse("organisation_members"))  # their own members only
    assert page.status_code == 200
    assert [row.membership.user for row in page.context["rows"]] == [other.user]
    assert client.post(_location_url(colleague), {"allowed": "yes"}).status_code == 404
    assert not _designated(colleague) and not _entries()


def test_a_coordinator_gets_404(client, territorial, colleague):
    _reauthenticated(sign_in(client, territorial), territorial)
    assert client.get(reverse("organisation_members")).status_code == 404
    assert client.post(_location_url(colleague), {"allowed": "yes"}).status_code == 404
    assert not _designated(colleague)


def test_an_ended_membership_is_not_designated(manager, colleague):
    Membership.objects.filter(pk=colleague.actor.membership.pk).update(active=False)
    from parcours.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        designation.designate(manager.actor, colleague.actor.membership, True)
    assert not _designated(colleague) and not _entries()


def test_the_manager_of_a_facility_or_coordination_kind_lists_their_own_members(client, db):
    facility_manager = personas.make_persona(
        "fm", kind=OrganisationKind.SHELTER_FACILITY, role=Role.MANAGER, dep="35"
    )
    staff = personas.colleague(facility_manager, name="staff", role=Role.FACILITY_STAFF)
    _as_manager(client, facility_manager)
    assert client.post(_location_url(staff), {"allowed": "yes"}).status_code == 302
    assert _designated(staff)


def test_a_change_of_designation_is_seen_at_once_by_decisions_kept_in_the_process(
    manager, colleague, case
):
    """The access decisions kept on a case instance are forgotten when a designation changes."""
    from parcours.access import rules
    from parcours.core.actor import actor_for

    assert "location" not in rules.groups_for(actor_for(colleague.user), case)
    assert designation.designate(manager.actor, colleague.actor.membership, True)
    assert "location" in rules.groups_for(actor_for(colleague.user), case)
    assert designation.designate(manager.actor, colleague.actor.membership, False)
    assert "location" not in rules.groups_for(actor_for(colleague.user), case)
