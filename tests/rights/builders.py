"""Cases the rights tests share (all fictional): a young man of 19 without resources, and a
refusal of young-adult support by child welfare."""

import uuid

from django.utils import timezone

from parcours.cases import services as cases
from parcours.referrals import services as referrals
from parcours.rights import services
from tests.factories import ServiceFactory
from tests.personas import make_persona
from tests.www.conftest import give_consent


def young_man(referent, age=19, **facts):
    """A case of a young man of ``age`` without resources, with ``facts`` recorded."""
    year = timezone.localdate().year - age
    case = cases.open_case(
        referent.actor,
        {
            "family_name": "Fictif",
            "given_names": "Idriss",
            "birth_date": {"year": year, "month": 1, "day": 10, "approximate": False},
        },
    )
    for name, value in {"has_resources": False, **facts}.items():
        services.record_fact(referent.actor, case, name, value)
    return case


def refuse(referent, case, code, **service):
    """A child-welfare service of a new organisation refuses a referral of ``case``."""
    child_welfare = make_persona(f"ase-{uuid.uuid4().hex[:6]}", kind="child_welfare", dep="33")
    service = ServiceFactory(organisation=child_welfare.actor.organisation, **service)
    give_consent(referent, case, child_welfare.actor.organisation)
    referral = referrals.create_and_send(
        referent.actor, case, service, purpose="Contrat jeune majeur", request_token=uuid.uuid4()
    )
    referrals.refuse(child_welfare.actor, referral, code, "", referral.version)
    return referral


def refused_young_man(referent, **facts):
    """The young man, refused young-adult support as "not in an insertion pathway"."""
    case = young_man(referent, **facts)
    refuse(referent, case, "not_in_insertion_pathway", young_adult=True)
    return case
