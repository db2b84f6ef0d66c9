"""Referral fixtures: a receiving organisation, its caseworker, the services it offers."""

import datetime
import uuid

import pytest
from django.utils import timezone

from parcours.core.roles import OrganisationKind
from parcours.referrals import services
from parcours.referrals.enums import ServiceKind
from parcours.referrals.models import Service
from tests.conftest import make_persona


@pytest.fixture
def recipient(db):
    """Caseworker of the association that receives referrals (may see the location group, so a
    shared location is visible and only the sharing decides)."""
    return make_persona("recipient", dep="33", may_reveal_location=True)


@pytest.fixture
def service(recipient):
    """A shelter service of ``recipient``'s association, serving Gironde."""
    return Service.objects.create(
        organisation=recipient.actor.organisation,
        kind=ServiceKind.SHELTER,
        name="Hébergement sécurisé fictif",
        territory=["33"],
        accepts="Femmes majeures, victimes de traite",
        requirements="Évaluation sociale",
        contact_route="Par Parcours",
    )


@pytest.fixture
def siao(db):
    return make_persona("siao", kind=OrganisationKind.SIAO, dep="33")


@pytest.fixture
def service_115(siao):
    return Service.objects.create(
        organisation=siao.actor.organisation,
        kind=ServiceKind.EMERGENCY_HOUSING_115,
        name="115 de la Gironde",
        territory=["33"],
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
