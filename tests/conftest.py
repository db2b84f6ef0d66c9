"""Shared fixtures: the personas every permission test uses.

- ``referent``: caseworker of the association that holds the case (Gironde);
- ``participant``: investigator of a police unit taking part with identity + justice;
- ``outsider``: caseworker of an association elsewhere (Rhône) with nothing to do with the case;
- ``coordinator``: coordinator of the national coordination;
- anonymous: the plain ``client``.
"""

from dataclasses import dataclass

import pytest

from parcours.cases import services
from parcours.cases.enums import ParticipantRole, SharingBasis
from parcours.core.actor import Actor, actor_for
from parcours.core.roles import OrganisationKind, Role
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _fresh_network_table():
    """Each test builds its own shelter network; ids are reused after a rollback, so the
    per-process ranking table (``shelter.network.table``) must not outlive a test."""
    from parcours.shelter.network import forget_table

    forget_table()
    yield
    forget_table()


@dataclass
class Persona:
    name: str
    user: object
    actor: Actor


def make_persona(
    name,
    *,
    kind=OrganisationKind.ASSOCIATION,
    role=Role.CASEWORKER,
    dep="33",
    organisation=None,
    may_reveal_location=False,
):
    organisation = organisation or OrganisationFactory(
        kind=kind, departement="" if kind == OrganisationKind.NATIONAL_COORDINATOR else dep
    )
    membership = MembershipFactory(
        organisation=organisation,
        role=role,
        user__username=name,
        may_reveal_location=may_reveal_location,
    )
    return Persona(name, membership.user, actor_for(membership.user))


@pytest.fixture
def referent(db):
    return make_persona("referent", dep="33", may_reveal_location=True)


@pytest.fixture
def participant(db):
    return make_persona("participant", kind=OrganisationKind.POLICE, role=Role.INVESTIGATOR)


@pytest.fixture
def outsider(db):
    return make_persona("outsider", dep="69")


@pytest.fixture
def host(db):
    """Staff of a shelter organisation (may see where people sleep: it is their house)."""
    return make_persona(
        "host",
        kind=OrganisationKind.SHELTER_FACILITY,
        role=Role.FACILITY_STAFF,
        dep="35",
        may_reveal_location=True,
    )


@pytest.fixture
def coordinator(db):
    return make_persona(
        "coordinator", kind=OrganisationKind.NATIONAL_COORDINATOR, role=Role.COORDINATOR
    )


PERSON = {
    "family_name": "Fictif",
    "given_names": "Amadou",
    "aliases": ["Amad"],
    "birth_date": {"year": 2007, "month": 9, "day": 12, "approximate": False},
    "sex": "M",
    "nationalities": ["Guinée"],
    "languages": ["soussou"],
    "phone": "06 12 34 56 78",
    "location_now": "Foyer Les Acacias, chambre 12",
    "safety_notes": "Exploitant connaît son ancien hébergement",
    "health_notes": "Suivi médical en cours",
    "justice_notes": "Plainte déposée",
    "immigration_notes": "Récépissé demandé",
    "social_notes": "Sans ressources",
}


@pytest.fixture
def case(referent, participant):
    """A case held by ``referent``'s association; ``participant`` sees identity and justice."""
    case = services.open_case(referent.actor, dict(PERSON), first_contact="Venu à la permanence")
    services.add_participant(
        referent.actor,
        case,
        organisation=participant.actor.organisation,
        role=ParticipantRole.INVESTIGATION,
        groups=["identity", "justice"],
        basis=SharingBasis.CONSENT,
        consent_date=case.opened_at.date(),
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def journal_flushable(transactional_db):
    """For transactional tests (live server): lift the journal's triggers before the database is
    flushed at teardown, since a flush deletes rows the triggers protect. Tests of the triggers
    reinstall them first (``parcours.audit.triggers.install``)."""
    from django.db import connection

    from parcours.audit import triggers

    yield
    triggers.remove(connection)


def join_case(referent, case, persona, groups=("identity", "social"), role="support"):
    """``persona``'s organisation takes part in ``case`` on consent; returns its fresh actor."""
    services.add_participant(
        referent.actor,
        case,
        organisation=persona.actor.organisation,
        role=role,
        groups=list(groups),
        basis=SharingBasis.CONSENT,
        consent_date=case.opened_at.date(),
    )
    return actor_for(persona.user)


def sign_in(client, persona, factor="webauthn"):
    """Signed in as after a real sign-in with ``factor`` as the second factor."""
    import time

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    client.force_login(persona.user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "username": persona.user.username},
        {"method": "mfa", "at": now, "type": factor},
    ]
    session.save()
    return client


TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"  # noqa: S105  (tests only)
PASSWORD = "correct-horse-battery-9"  # noqa: S105  (the factories' password)


def sign_in_by_form(client, persona, password=PASSWORD):
    """Sign in through the real pages: user name and password, then the TOTP code."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.urls import reverse

    if not Authenticator.objects.filter(user=persona.user, type="totp").exists():
        TOTP.activate(persona.user, TEST_TOTP_SECRET)
    response = client.post(
        reverse("account_login"), {"login": persona.user.username, "password": password}
    )
    assert response.status_code == 302, "password step failed"
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})
    assert response.status_code == 302, "second-factor step failed"
    return response


def totp_code(secret: str) -> str:
    """The current code of a TOTP secret, as an authenticator app shows it."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
