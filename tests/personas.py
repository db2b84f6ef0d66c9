"""The personas of the test suite, defined once (fixtures in the conftests only call these).

A persona is a user with one membership, the organisation it belongs to, and the actor the
application builds for it. The standard ones, around the ``case`` fixture (held by the
referent's association in Gironde):

- ``referent``: caseworker of the association that holds the case (Gironde), designated to see
  where people sleep;
- ``colleague``: another caseworker of the same association, *not* designated for locations;
- ``participant``: investigator of a police unit taking part with identity + justice;
- ``outsider``: caseworker of an association elsewhere (Rhône) with nothing to do with the case;
- ``coordinator``: coordinator of the national coordination;
- ``territorial``: coordinator of the territorial coordination of Gironde (the case's);
- ``host``: staff of a shelter facility organisation (Ille-et-Vilaine);
- ``statistician``: statistician of the national coordination (figures, never a case);
- ``recipient``: caseworker of an association that receives referrals (Gironde);
- ``siao``: caseworker of the SIAO of Gironde.

Every builder takes the user name first (unique in a test) and the keyword arguments of
``make_persona`` to vary the rest. Sign-in helpers (``sign_in``, ``sign_in_by_form``) and
``join_case`` live here too.
"""

from dataclasses import dataclass

from parcours.core.actor import Actor, actor_for
from parcours.core.roles import OrganisationKind, Role

PASSWORD = "correct-horse-battery-9"  # noqa: S105  (every persona's password; tests only)
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"  # noqa: S105  (tests only)

# The person of the standard case (fictional).
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
    """A member of ``organisation`` (a new one of ``kind`` in ``dep`` unless given)."""
    from tests.factories import MembershipFactory, OrganisationFactory

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


# --- The standard personas ------------------------------------------------------------------


def referent(name="referent", **kwargs):
    """Caseworker of an association of Gironde, designated to see where people sleep."""
    return make_persona(name, **{"dep": "33", "may_reveal_location": True, **kwargs})


def colleague(of, name="colleague", **kwargs):
    """Another member of ``of``'s organisation (a caseworker without the location designation
    unless told otherwise)."""
    return make_persona(name, organisation=of.actor.organisation, **kwargs)


def participant(name="participant", **kwargs):
    """Investigator of a police unit (the standard case's participant)."""
    return make_persona(
        name, **{"kind": OrganisationKind.POLICE, "role": Role.INVESTIGATOR, **kwargs}
    )


def outsider(name="outsider", **kwargs):
    """Caseworker of an association of the Rhône, with nothing to do with the case."""
    return make_persona(name, **{"dep": "69", **kwargs})


def facility_staff(name, **kwargs):
    """Staff of a shelter facility organisation (a new one unless ``organisation`` is given)."""
    return make_persona(
        name,
        **{"kind": OrganisationKind.SHELTER_FACILITY, "role": Role.FACILITY_STAFF, **kwargs},
    )


def host(name="host", **kwargs):
    """Staff of a shelter organisation of Ille-et-Vilaine (may see where people sleep: it is
    their house)."""
    return facility_staff(name, **{"dep": "35", "may_reveal_location": True, **kwargs})


def coordinator(name="coordinator", **kwargs):
    """Coordinator of the national coordination."""
    return make_persona(
        name,
        **{"kind": OrganisationKind.NATIONAL_COORDINATOR, "role": Role.COORDINATOR, **kwargs},
    )


def territorial(name="territorial", dep="33", **kwargs):
    """Coordinator of the territorial coordination of ``dep`` (Gironde: the standard case's)."""
    return make_persona(
        name,
        **{
            "kind": OrganisationKind.TERRITORIAL_COORDINATOR,
            "role": Role.COORDINATOR,
            "dep": dep,
            **kwargs,
        },
    )


def statistician(name="statistician", **kwargs):
    """Statistician of the national coordination (or of ``organisation``)."""
    return make_persona(
        name,
        **{
            "kind": OrganisationKind.NATIONAL_COORDINATOR,
            "role": Role.STATISTICIAN,
            **kwargs,
        },
    )


def recipient(name="recipient", **kwargs):
    """Caseworker of an association of Gironde that receives referrals (may see the location
    group, so a shared location is visible and only the sharing decides)."""
    return make_persona(name, **{"dep": "33", "may_reveal_location": True, **kwargs})


def siao(name="siao", **kwargs):
    """Caseworker of the SIAO of Gironde."""
    return make_persona(name, **{"kind": OrganisationKind.SIAO, "dep": "33", **kwargs})


# --- The standard case and who joins it ------------------------------------------------------


def open_case(referent, participant):
    """A case held by ``referent``'s association; ``participant`` sees identity and justice."""
    from parcours.cases import services
    from parcours.cases.enums import ParticipantRole, SharingBasis

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


def join_case(referent, case, persona, groups=("identity", "social"), role="support"):
    """``persona``'s organisation takes part in ``case`` on consent; returns its fresh actor."""
    from parcours.cases import services
    from parcours.cases.enums import SharingBasis

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


def partner(referent, case, name="partner", groups=("identity", "social"), **kwargs):
    """Caseworker of an association of Gironde taking part in ``case`` (identity and social by
    default); its actor is the one after joining."""
    persona = make_persona(name, **{"dep": "33", **kwargs})
    persona.actor = join_case(referent, case, persona, groups=groups)
    return persona


# --- Signing in -------------------------------------------------------------------------------


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


# The signed-in personas of the permission matrix (tests/www/test_permission_matrix.py and its
# matrix_* parts), in the order of its columns; anonymous comes first there.
MATRIX_SIGNED_IN = (
    "referent",
    "participant",
    "outsider",
    "coordinator",
    "territorial",
    "host",
    "colleague",
    "statistician",
)
