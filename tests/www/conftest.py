"""Referral fixtures for the pages: a service of the participant persona's organisation, the
person's consent to it, and a referral of the ``case`` fixture addressed to it; plus a receiving
association whose caseworker may answer."""

import datetime
import uuid

import pytest
from django.utils import timezone

from parcours.referrals import services
from parcours.referrals.enums import ServiceKind
from parcours.referrals.models import Service
from tests.conftest import make_persona


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
    service = Service.objects.create(
        organisation=participant.actor.organisation,
        kind=ServiceKind.LEGAL_AID,
        name="Accueil des victimes fictif",
        territory=["33"],
    )
    give_consent(referent, case, participant.actor.organisation)
    return services.create_and_send(
        referent.actor, case, service, purpose="Dépôt de plainte", request_token=uuid.uuid4()
    )


@pytest.fixture
def recipient(db):
    """Caseworker of an association offering a shelter: it may answer referrals."""
    return make_persona("recipient", dep="33", may_reveal_location=True)


@pytest.fixture
def shelter(recipient):
    return Service.objects.create(
        organisation=recipient.actor.organisation,
        kind=ServiceKind.SHELTER,
        name="Hébergement sécurisé fictif",
        territory=["33"],
    )
