"""Referral fixtures for the pages: a service of the participant persona's organisation, the
person's consent to it, and a referral of the ``case`` fixture addressed to it; plus a receiving
association whose caseworker may answer."""

import datetime
import uuid

import pytest
from django.utils import timezone

from parcours.referrals import services
from tests import personas
from tests.factories import ServiceFactory


def give_consent(referent, case, organisation):
    return services.record_consent(
        referent.actor,
        case,
        organisation,
        purpose="Orientation",
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        how="oral",
        language="soussou",
    )


@pytest.fixture
def matrix_referral(referent, participant, case):
    """A referral of ``case`` to a service of the participant persona's organisation."""
    service = ServiceFactory(
        organisation=participant.actor.organisation,
        legal_aid=True,
        name="Accueil des victimes fictif",
    )
    give_consent(referent, case, participant.actor.organisation)
    return services.create_and_send(
        referent.actor, case, service, purpose="Dépôt de plainte", request_token=uuid.uuid4()
    )


@pytest.fixture
def recipient(db):
    """Caseworker of an association offering a shelter: it may answer referrals."""
    return personas.recipient()


@pytest.fixture
def shelter(recipient):
    return ServiceFactory(
        organisation=recipient.actor.organisation, shelter=True, name="Hébergement sécurisé fictif"
    )


@pytest.fixture
def referent_statistician(referent):
    """A statistician of ``referent``'s own association (the permission matrix's statistician:
    its organisation holds the case, only its role keeps it out)."""
    return personas.statistician("statistician", organisation=referent.actor.organisation)
