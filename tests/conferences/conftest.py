"""Conference fixtures: a social-support association joining the ``case`` fixture (it sees
identity and the social situation) and conferences at each stage (the territorial coordinator
of the case's département is the root ``territorial`` fixture). The police participant sees
identity and justice."""

import datetime

import pytest
from django.utils import timezone

from parcours.conferences import services
from parcours.core.actor import actor_for
from tests import personas

SOCIAL_POINT = "Point sur le logement et les ressources"
JUSTICE_POINT = "Suites de la plainte et audition"
SOCIAL_DECISION = "Ouvrir les droits à la complémentaire santé"
JUSTICE_DECISION = "Accompagner la personne à son audition du 12"


@pytest.fixture
def partner(referent, case):
    """Caseworker of an association taking part with identity and social."""
    return personas.partner(referent, case, groups=("identity", "social"))


def convene(actor, case, *, past=False, **changes):
    now = timezone.now()
    arguments = {
        "at": now - datetime.timedelta(hours=1) if past else now + datetime.timedelta(days=2),
        "place": "Salle 3, maison des associations",
        "agenda": [
            {"text": SOCIAL_POINT, "group": "social"},
            {"text": JUSTICE_POINT, "group": "justice"},
        ],
        "convened_at": now - datetime.timedelta(days=2) if past else None,
        **changes,
    }
    return services.convene(actor, case, **arguments)


def consent(actor, conference, **changes):
    arguments = {"given_on": timezone.localdate(), "how": "oral", "language": "soussou"}
    return services.record_consent(actor, conference, **{**arguments, **changes})


@pytest.fixture
def planned(referent, partner, case):
    return convene(referent.actor, case)


@pytest.fixture
def past(referent, partner, case):
    """A conference that took place an hour ago, not recorded yet; the person consented."""
    conference = convene(referent.actor, case, past=True)
    consent(referent.actor, conference)
    conference.refresh_from_db()
    return conference


@pytest.fixture
def held(referent, participant, partner, case, past):
    """``past`` recorded: police and partner present; a social decision for the partner and a
    justice decision for the police."""
    return services.record_conference(
        actor_for(referent.user),
        past,
        attended=[case.referent_org, participant.actor.organisation, partner.actor.organisation],
        decisions=[
            {"text": SOCIAL_DECISION, "group": "social", "owner_org": partner.actor.organisation},
            {
                "text": JUSTICE_DECISION,
                "group": "justice",
                "owner_org": participant.actor.organisation,
                "due_on": timezone.localdate() + datetime.timedelta(days=5),
            },
        ],
        expected_version=past.version,
    )
