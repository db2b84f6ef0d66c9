"""The pathway by domain on the case page: each referral's state in its domain, each domain
gated by its field group, the shelter named only to those who see the location."""

from django.urls import reverse

from parcours.referrals import services
from parcours.referrals.pathway import DOMAINS, pathway
from tests.conftest import sign_in
from tests.factories import ServiceFactory
from tests.referrals.conftest import give_consent, send

ALL = {"identity", "location", "safety", "health", "justice", "immigration", "social"}


def _domain(domains, code):
    return next(d for d in domains if d.code == code)


def test_every_domain_is_listed_in_order(case):
    assert [d.code for d in pathway(case, ALL)] == list(DOMAINS)
    assert list(DOMAINS) == [
        "safety", "shelter", "health", "legal", "justice",
        "income", "insertion", "education", "family",
    ]  # fmt: skip


def test_a_refused_115_call_shows_in_shelter(referent, siao, case, service_115):
    give_consent(referent, case, siao.actor.organisation)
    referral = send(referent, case, service_115)
    services.refuse(siao.actor, referral, "no_place", "", referral.version)
    (step,) = _domain(pathway(case, ALL), "shelter").steps
    assert (step.ref, step.status) == (referral.ref, "refused")
    assert step.organisation == siao.actor.organisation.name


def test_the_shelter_is_not_named_without_the_location(referent, siao, case, service_115):
    give_consent(referent, case, siao.actor.organisation)
    send(referent, case, service_115)
    (step,) = _domain(pathway(case, ALL - {"location"}), "shelter").steps
    assert step.organisation is None and step.status == "sent"


def test_a_domain_outside_the_readers_groups_shows_nothing(referent, recipient, case):
    clinic = ServiceFactory(organisation=recipient.actor.organisation, health=True, national=True)
    give_consent(referent, case, clinic.organisation)
    send(referent, case, clinic, shared_groups=["health"])
    assert len(_domain(pathway(case, ALL), "health").steps) == 1
    health = _domain(pathway(case, {"identity", "justice"}), "health")
    assert not health.visible and health.steps == []


def test_drafts_are_not_shown(referent, case, service, consent):
    referral = send(referent, case, service)
    referral.status = "draft"
    referral.save(update_fields=["status"])
    assert _domain(pathway(case, ALL), "shelter").steps == []


def test_the_case_page_shows_the_pathway_to_each_participant(
    client, referent, participant, siao, case, service_115
):
    give_consent(referent, case, siao.actor.organisation)
    referral = send(referent, case, service_115)
    sign_in(client, referent)
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    shelter = page.split('data-testid="domain-shelter"')[1].split('data-testid="domain-health"')[0]
    assert "115" in shelter
    # The police participant sees identity and justice: the shelter domain is closed to it.
    client.logout()
    sign_in(client, participant)
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    shelter = page.split('data-testid="domain-shelter"')[1].split('data-testid="domain-health"')[0]
    assert referral.ref not in page and "115" not in shelter
    assert 'data-testid="domain-justice"' in page
