"""Cases the rights tests share (all fictional): a young man of 19 without resources, a refusal
of young-adult support by child welfare, requests to services and their answers, and the
hostel's circle (hostel -> contract -> health cover -> address -> hostel)."""

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


def ask(referent, case, kind, required=(), dep="33"):
    """A request of ``case`` to a new service of ``kind`` stating ``required`` in the directory."""
    provider = make_persona(f"{kind}-{uuid.uuid4().hex[:6]}", kind="ccas", dep=dep)
    service = ServiceFactory(
        organisation=provider.actor.organisation, kind=kind, required=list(required)
    )
    give_consent(referent, case, provider.actor.organisation)
    return referrals.create_and_send(
        referent.actor, case, service, purpose="Demande", request_token=uuid.uuid4()
    )


def answer_no(referral, code="no_place"):
    """The recipient of ``referral`` refuses it with ``code``."""
    from parcours.core.actor import actor_for
    from parcours.referrals.models import Referral

    actor = actor_for(referral.to_org.memberships.first().user, referral.to_org)
    referrals.refuse(actor, referral, code, "", Referral.objects.get(pk=referral.pk).version)


def hostel_circle(referent, case, stated=True):
    """The hostel asks for a contract (said in this case, when ``stated``), the mission locale
    for health cover, the health insurance for an address; none of them is there. Returns the
    hostel's request and the health insurance's."""
    hostel = ask(referent, case, "social_support")
    if stated:
        services.record_stated_requirement(referent.actor, hostel, "employment_contract")
    ask(referent, case, "insertion", ["health_cover"])
    fund = ask(referent, case, "health_insurance", ["address"])
    for name in ("has_address", "has_health_cover", "has_employment_contract"):
        services.record_fact(referent.actor, case, name, False)
    return hostel, fund
