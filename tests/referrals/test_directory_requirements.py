"""The directory has the services the legal ways out need (issue 12, item 5): every kind of
service has its answer delay, its pathway domain and its refusal codes; each service states what
it asks for as codes, shown in the directory as labels; the demo has those services in each of
its départements, national ones serving them all."""

import html as html_text
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from parcours.accounts.models import Organisation
from parcours.referrals import deadlines
from parcours.referrals.directory import directory_search
from parcours.referrals.enums import (
    ANSWER_DELAY_HOURS,
    REFUSAL_CODES,
    REFUSAL_LABELS,
    Requirement,
    ServiceKind,
)
from parcours.referrals.models import Service
from parcours.referrals.pathway import DOMAIN_OF_KIND, DOMAINS, LOCATION_DOMAINS, pathway
from tests.conftest import sign_in
from tests.factories import ServiceFactory
from tests.referrals.conftest import give_consent, send

ALL = {"identity", "location", "safety", "health", "justice", "immigration", "social"}
# What the ways out need in every département, local or national (issue 12, items 4 and 5).
WAYS_OUT_KINDS = [
    "domiciliation",
    "health_access_pass",
    "legal_aid",
    "child_protection",
    "complaint",
    "health_insurance",
    "insertion",
    "emergency_housing_115",
    "acse",
    "ofii_allowance",
]


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def _plain(text: str) -> str:
    """Text as a reader sees it: entities decoded, typographic apostrophes as plain ones."""
    return html_text.unescape(text).replace("\u2019", "'")


def _row(html: str, service) -> str:
    """The directory row of ``service`` (its cells only)."""
    match = re.search(rf'<tr data-testid="service-{service.pk}">(.*?)</tr>', html, re.S)
    assert match, f"{service.name} is not in the directory"
    return _plain(match.group(1))


def _tags(row: str) -> list[str]:
    return re.findall(r'<p class="fr-tag fr-tag--sm">([^<]*)</p>', row)


# --- Kinds: every table knows every kind ----------------------------------------------------


def test_the_kinds_the_rights_catalogue_names_exist():
    for value in ("health_access_pass", "acse", "complaint", "ofii_allowance"):
        assert value in ServiceKind.values
    with translation.override("fr"):
        assert _plain(str(ServiceKind("health_access_pass").label)) == (
            "Permanence d'accès aux soins de santé (PASS)"
        )
        assert str(ServiceKind("complaint").label) == "Plainte (police, gendarmerie)"


@pytest.mark.parametrize("kind", ServiceKind.values)
def test_every_kind_has_a_delay_a_domain_and_refusal_codes(kind):
    assert ANSWER_DELAY_HOURS[kind] > 0
    assert deadlines.answer_delay(kind).total_seconds() == ANSWER_DELAY_HOURS[kind] * 3600
    assert DOMAIN_OF_KIND[kind] in DOMAINS
    codes = [code for code, _label in REFUSAL_CODES[kind]]
    assert codes[-1] == "other" and len(codes) >= 2
    assert set(codes) <= set(REFUSAL_LABELS)


def test_the_new_kinds_sit_in_their_domains():
    assert DOMAIN_OF_KIND["health_access_pass"] == "health"
    assert DOMAIN_OF_KIND["acse"] == "shelter" and "shelter" in LOCATION_DOMAINS
    assert DOMAIN_OF_KIND["complaint"] == "justice"
    assert DOMAIN_OF_KIND["ofii_allowance"] == "income"
    # The police must take a complaint: a complaint answers within a day, not a week.
    assert ANSWER_DELAY_HOURS["complaint"] == 24


def test_an_acse_referral_tells_where_the_person_sleeps_only_to_who_sees_the_location(
    referent, recipient, case
):
    acse = ServiceFactory(organisation=recipient.actor.organisation, kind="acse", national=True)
    give_consent(referent, case, acse.organisation)
    referral = send(referent, case, acse)
    (step,) = next(d for d in pathway(case, ALL) if d.code == "shelter").steps
    assert step.ref == referral.ref and step.organisation == acse.organisation.name
    (hidden,) = next(d for d in pathway(case, ALL - {"location"}) if d.code == "shelter").steps
    assert hidden.organisation is None


def test_a_complaint_referral_shows_in_justice_only_to_who_sees_justice(referent, recipient, case):
    desk = ServiceFactory(organisation=recipient.actor.organisation, kind="complaint")
    give_consent(referent, case, desk.organisation)
    send(referent, case, desk, shared_groups=["identity", "justice"])
    justice = next(d for d in pathway(case, ALL) if d.code == "justice")
    assert [s.status for s in justice.steps] == ["sent"]
    hidden = next(d for d in pathway(case, ALL - {"justice"}) if d.code == "justice")
    assert not hidden.visible and hidden.steps == []


# --- Stated requirements: known codes only -----------------------------------------------------


def test_known_requirement_codes_are_accepted(db):
    service = ServiceFactory(required=["address", "health_cover"])
    service.full_clean()
    assert set(Requirement.values) == {
        "address",
        "health_cover",
        "residence_permit",
        "identity_document",
        "employment_contract",
        "resources",
        "medical_certificate",
        "complaint_filed",
        "housing",
    }


def test_an_unknown_requirement_code_is_refused_in_the_users_language(db):
    service = ServiceFactory()
    service.required = ["address", "passport"]
    for language, message in [
        ("en", "Unknown requirement: passport."),
        ("fr", "Condition inconnue : passport."),
    ]:
        with translation.override(language):
            with pytest.raises(ValidationError) as refused:
                service.full_clean()
            assert refused.value.message_dict["required"] == [message]
    service.refresh_from_db()
    assert service.required == []


@pytest.mark.parametrize(
    "value", ["address", {"address": True}, [1], ["address", "address"]], ids=str
)
def test_requirements_that_are_not_a_list_of_distinct_codes_are_refused(db, value):
    service = ServiceFactory()
    service.required = value
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert "required" in refused.value.message_dict


def test_the_demo_loader_refuses_an_unknown_code_and_writes_nothing(db, monkeypatch):
    from parcours.demo import data

    bad = ("ccas33", "domiciliation", "Domiciliation fictive", ["33"], "", "", ["passeport"])
    monkeypatch.setattr(data, "SERVICES", [*data.SERVICES, bad])
    with pytest.raises(ValidationError, match="passeport"):
        data.load()
    assert not Service.objects.exists() and not Organisation.objects.exists()


# --- The directory page ---------------------------------------------------------------------


@pytest.fixture
def pass_and_cpam(db):
    """A free health access point that asks for nothing, a health insurance that asks for an
    address and an identity document (in that order)."""
    hospital = ServiceFactory(
        kind="health_access_pass", name="PASS fictive", requirements="", required=[]
    )
    cpam = ServiceFactory(
        kind="health_insurance",
        name="Ouverture de droits fictive",
        requirements="Justificatif de domicile",
        required=["address", "identity_document"],
    )
    return hospital, cpam


def test_the_directory_shows_each_services_requirements_in_french(client, referent, pass_and_cpam):
    hospital, cpam = pass_and_cpam
    sign_in(client, referent)
    html = client.get(reverse("directory")).content.decode()
    assert _tags(_row(html, cpam)) == ["Une adresse postale", "Une pièce d'identité"]
    assert "Justificatif de domicile" in _row(html, cpam)
    assert _tags(_row(html, hospital)) == []
    assert "Rien d'indiqué" in _row(html, hospital)
    assert "Permanence d'accès aux soins de santé (PASS)" in _row(html, hospital)


def test_the_directory_shows_each_services_requirements_in_english(client, referent, pass_and_cpam):
    _hospital, cpam = pass_and_cpam
    sign_in(client, referent)
    _english(client)
    html = client.get(reverse("directory")).content.decode()
    assert _tags(_row(html, cpam)) == ["A postal address", "An identity document"]
    assert "Health insurance" in _row(html, cpam)


def test_the_directory_filters_services_by_kind_and_departement(client, referent, pass_and_cpam):
    hospital, cpam = pass_and_cpam
    national = ServiceFactory(kind="acse", national=True, name="Ac.Sé fictif")
    elsewhere = ServiceFactory(kind="acse", territory=["75"], name="Ac.Sé parisien fictif")
    sign_in(client, referent)
    html = client.get(reverse("directory"), {"service_kind": "health_access_pass"}).content
    html = html.decode()
    assert f'data-testid="service-{hospital.pk}"' in html
    assert f'data-testid="service-{cpam.pk}"' not in html
    html = client.get(reverse("directory"), {"service_kind": "acse", "departement": "33"})
    html = html.content.decode()
    assert "National" in _row(html, national)
    assert f'data-testid="service-{elsewhere.pk}"' not in html


def test_an_unknown_kind_in_the_filter_is_explained(client, referent, pass_and_cpam):
    sign_in(client, referent)
    response = client.get(reverse("directory"), {"service_kind": "hospital"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_referral_search_offers_the_new_kinds(client, referent, case):
    sign_in(client, referent)
    response = client.get(reverse("case_referral_new", kwargs={"ref": case.ref}))
    html = _plain(response.content.decode())
    for value, label in [
        ("health_access_pass", "Permanence d'accès aux soins de santé (PASS)"),
        ("acse", "Dispositif national Ac.Sé"),
        ("complaint", "Plainte (police, gendarmerie)"),
        ("ofii_allowance", "Allocation des victimes (ADA, OFII)"),
    ]:
        assert re.search(rf'<option value="{value}"[^>]*>{re.escape(label)}</option>', html)


# --- The demo -------------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    from parcours.demo import data

    data.load()
    return data


def _demo_departements(data) -> set[str]:
    return {dep for _key, _name, _kind, dep, _city in data.ORGANISATIONS if dep}


def test_each_demo_departement_has_the_services_the_ways_out_need(demo):
    departements = _demo_departements(demo)
    assert departements >= {"33", "06", "75", "69", "35", "47"}
    missing = [
        (dep, kind)
        for dep in sorted(departements)
        for kind in WAYS_OUT_KINDS
        if not directory_search(kind, dep).exists()
    ]
    assert missing == []
    for kind in ("acse", "ofii_allowance"):
        assert [s.territory for s in directory_search(kind)] == [[]], kind


def test_demo_services_state_what_they_ask_for(demo):
    def required(kind, dep="33"):
        return {tuple(s.required) for s in directory_search(kind, dep)}

    assert required("domiciliation") == {()}
    assert required("health_access_pass") == {()}
    assert all("address" in codes for codes in required("health_insurance"))
    assert all("health_cover" in codes for codes in required("insertion", "06"))
    hostel = Service.objects.get(name="Foyer d'hébergement temporaire")
    assert hostel.required == ["employment_contract"]
    for service in Service.objects.all():
        service.full_clean()


def test_loading_the_demo_twice_adds_no_service_and_restores_the_codes(demo):
    before = (Service.objects.count(), Organisation.objects.count())
    cpam = Service.objects.get(organisation__name="CPAM de la Gironde (démo)")
    Service.objects.filter(pk=cpam.pk).update(required=[])  # a database loaded before the codes
    demo.load()
    assert (Service.objects.count(), Organisation.objects.count()) == before
    cpam.refresh_from_db()
    assert cpam.required == ["address", "identity_document"]
