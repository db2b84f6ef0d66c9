"""Scenario S1, steps 1-3 and 5, in real browsers, each organisation at its own screen:

1. the association opens the case (housing controlled by the exploiter: a critical danger);
2. it asks child welfare for young-adult support, with the person's consent; child welfare
   refuses, "not in an insertion pathway", and the coded reason shows on the pathway;
3. the 115 is asked four times, four times without a place: one line of four attempts;
5. the health fund refuses urgent processing, "criteria not met".

The association's caseworker and the caseworkers of child welfare, the SIAO and the health fund
sign in with their own accounts (password and authenticator code) in separate browsers.
"""

import datetime

import pytest

from parcours.referrals.models import Referral, Service

pytestmark = pytest.mark.e2e

REFERENT = "camille.asso33"


def open_case(association) -> str:
    page = association.page
    association.goto("/dossiers/nouveau/")
    form = page.locator("main form")
    form.locator("[name=family_name]").fill("Fictif")
    form.locator("[name=given_names]").fill("Jeune")
    # 18 years and 2 months today (S1): a whole date, since a year alone leaves him possibly a
    # minor, whose information is shared under child-protection law, not on his consent.
    born = datetime.date.today() - datetime.timedelta(days=18 * 365 + 4 + 61)
    form.locator("[name=birth_year]").fill(str(born.year))
    form.locator("[name=birth_month]").fill(str(born.month))
    form.locator("[name=birth_day]").fill(str(born.day))
    form.locator("[name=nationalities]").fill("Pays imaginaire")
    form.locator("[name=first_contact]").fill("Venu à la permanence (scénario fictif S1).")
    form.locator("[name=safety_notes]").fill("Dort chez le chef du réseau : danger critique.")
    association.submit(form)
    return page.get_by_test_id("case-ref").inner_text().strip()


def record_consent(association, ref, organisation, purpose):
    page = association.page
    association.goto(f"/dossiers/{ref}/consentements/nouveau/")
    form = page.locator("main form")
    form.locator("[name=recipient]").select_option(value=str(organisation.pk))
    form.locator("[name=purpose]").fill(purpose)
    form.locator("[name=how]").select_option(value="oral")
    form.locator("[name=language]").fill("bambara")
    association.submit(form)
    assert f"/dossiers/{ref}/" in page.url


def send_referral(association, ref, service, purpose, urgency="urgent"):
    page = association.page
    association.goto(f"/dossiers/{ref}/orientations/nouvelle/?kind={service.kind}&departement=33")
    form = page.locator("main form[method=post]")
    form.locator(f"input[name=service][value='{service.pk}']").check(force=True)
    form.locator("[name=purpose]").fill(purpose)
    form.locator("[name=urgency]").select_option(value=urgency)
    association.submit(form)
    assert page.url.endswith(f"/dossiers/{ref}/"), page.url


def refuse_newest(recipient, code):
    """The recipient opens its newest referral from its inbox and refuses it with ``code``."""
    page = recipient.page
    recipient.goto("/orientations/")
    with page.expect_navigation():
        page.locator("[data-testid=inbox] tbody tr td:first-child a").first.click()
    form = page.locator("main form[action$='/reponse/']")
    form.locator("input[name=action][value=refuse]").check(force=True)
    form.locator("[name=refusal_code]").select_option(value=code)
    recipient.submit(form)
    assert page.get_by_test_id("referral-status").text_content().strip() == "Refusée"


def domain_text(association, ref, domain) -> str:
    association.goto(f"/dossiers/{ref}/")
    return association.page.get_by_test_id(f"domain-{domain}").text_content()


@pytest.mark.e2e
def test_s1_refused_everywhere_across_organisations(signed_in):
    def service(key_name, kind):
        return Service.objects.get(organisation__name=key_name, kind=kind)

    ase = service("Aide sociale à l'enfance — Gironde (démo)", "child_welfare_young_adult")
    call_115 = service("SIAO 115 de Gironde (démo)", "emergency_housing_115")
    cpam = service("CPAM de la Gironde (démo)", "health_insurance")

    # 1. The association opens the case and is its referent.
    association = signed_in(REFERENT)
    ref = open_case(association)
    assert "Association Horizon Solidarité" in association.page.locator("main").inner_text()

    # 2. Child welfare is asked, with the person's consent, and refuses with a coded reason.
    record_consent(association, ref, ase.organisation, "Contrat jeune majeur")
    send_referral(association, ref, ase, "Soutien jeune majeur : 18 ans, sans hébergement.")
    child_welfare = signed_in("claire.ase33")
    sent = Referral.objects.get(case__ref=ref, service=ase)
    child_welfare.goto("/notifications/")  # told, with the reference and nothing else
    assert sent.ref in child_welfare.page.get_by_test_id("notifications").text_content()
    refuse_newest(child_welfare, "not_in_insertion_pathway")
    # Child welfare read the referral, never the person.
    assert "fictif" not in child_welfare.page.content().lower()
    family = domain_text(association, ref, "family")
    assert "Refusée" in family and "Contrat jeune majeur" not in family  # state, not purpose
    sent.refresh_from_db()
    assert sent.refusal_code == "not_in_insertion_pathway"

    # 3. The 115, four times, four times without a place: one line of four attempts.
    record_consent(association, ref, call_115.organisation, "Mise à l'abri")
    siao = signed_in("yanis.siao33")
    for _attempt in range(4):
        send_referral(association, ref, call_115, "Mise à l'abri.", urgency="immediate")
        refuse_newest(siao, "no_place")
    association.goto(f"/dossiers/{ref}/")
    assert "4 tentatives" in association.page.locator("#referrals h3").first.text_content()
    assert domain_text(association, ref, "shelter").count("Refusée") == 4

    # 5. The health fund refuses urgent processing: criteria not met.
    record_consent(association, ref, cpam.organisation, "Ouverture de droits en urgence")
    send_referral(association, ref, cpam, "Traitement en urgence de l'ouverture des droits.")
    health_fund = signed_in("paul.cpam33")
    refuse_newest(health_fund, "criteria_not_met")
    assert "Refusée" in domain_text(association, ref, "health")
    assert Referral.objects.filter(case__ref=ref, status="refused").count() == 6

    # The referent was told of each answer, in the application (naming the person to it).
    association.goto("/notifications/")
    notifications = association.page.get_by_test_id("notifications").text_content()
    assert notifications.count("refusée") + notifications.count("refused") >= 6
    assert "FICTIF" in notifications  # the referent sees whom its notifications are about
    for browser_page in (association, child_welfare, siao, health_fund):
        browser_page.assert_no_console_errors()
