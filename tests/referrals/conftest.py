"""Referral fixtures: a receiving organisation, its caseworker, the services it offers."""

import datetime
import uuid

import pytest
from django.utils import timezone

from parcours.referrals import services
from tests import personas
from tests.factories import ServiceFactory


@pytest.fixture
def recipient(db):
    """Caseworker of the association that receives referrals (may see the location group, so a
    shared location is visible and only the sharing decides)."""
    return personas.recipient()


@pytest.fixture
def service(recipient):
    """A shelter service of ``recipient``'s association, serving Gironde."""
    return ServiceFactory(
        organisation=recipient.actor.organisation,
        shelter=True,
        described=True,
        name="Hébergement sécurisé fictif",
    )


@pytest.fixture
def siao(db):
    return personas.siao()


@pytest.fixture
def service_115(siao):
    return ServiceFactory(
        organisation=siao.actor.organisation, emergency_115=True, name="115 de la Gironde"
    )


def give_consent(referent, case, organisation, **kwargs):
    values = {
        "purpose": "Orientation vers un hébergement",
        "given_on": timezone.localdate() - datetime.timedelta(days=1),
        "how": "oral",
        "language": "soussou",
        "interpreter": "Interprète fictif",
    }
    values.update(kwargs)
    return services.record_consent(referent.actor, case, organisation, **values)


@pytest.fixture
def consent(referent, case, service):
    return give_consent(referent, case, service.organisation)


def send(referent, case, service, **kwargs):
    values = {"purpose": "Mise à l'abri", "request_token": uuid.uuid4()}
    values.update(kwargs)
    return services.create_and_send(referent.actor, case, service, **values)


@pytest.fixture
def referral(referent, case, service, consent):
    """A referral sent on consent, sharing identity and the social situation."""
    return send(referent, case, service, shared_groups=["identity", "social"])
