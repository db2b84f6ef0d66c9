"""Intake records what matters at once (issue 11, point 4): the dangers and danger zones on the
intake form (S2 step 1), and one intake for several people (S4: a labour inspection finds
twelve men): twelve cases sharing the operation's label, each with its own consent, the zones
copied onto each, and their placement requests picked up by the coordinator's batch."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases.models import Case
from parcours.core.roles import OrganisationKind
from parcours.shelter import batch
from parcours.shelter.models import DangerZone, PlacementRequest, RiskAssessment
from tests import personas
from tests.conftest import sign_in


def _intake(**changes):
    data = {
        "intake_token": str(uuid.uuid4()),
        "family_name": "Fictive",
        "given_names": "Awa",
        "sex": "F",
        "first_contact": "Venue à la permanence",
        "dangers": ["exploiters_know_location"],
        "level": "critical",
        "zone_departements": ["06"],
        "zone_commune": "Grasse",
    }
    data.update(changes)
    return data


def test_the_intake_form_records_dangers_and_zones_at_once(client, referent):
    sign_in(client, referent)
    response = client.post(reverse("case_open"), _intake())
    assert response.status_code == 302
    case = Case.objects.get()
    risk = RiskAssessment.objects.get(case=case)
    assert risk.level == "critical" and risk.dangers == ["exploiters_know_location"]
    zones = {
        (z.kind, z.where.get("departement"), z.where.get("town")) for z in case.danger_zones.all()
    }
    assert zones == {("departement", "06", None), ("town", "06", "Grasse")}
    client.cookies["django_language"] = "en"
    page = client.get(response["Location"]).content.decode()
    assert "Find a safe place now" in page


def test_dangers_without_a_level_open_nothing(client, referent):
    sign_in(client, referent)
    response = client.post(reverse("case_open"), _intake(level=""))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_an_unknown_commune_opens_nothing(client, referent):
    sign_in(client, referent)
    response = client.post(reverse("case_open"), _intake(zone_commune="Nullepartville"))
    assert response.status_code == 400
    assert not Case.objects.exists() and not DangerZone.objects.exists()


@pytest.fixture
def inspector(db):
    return personas.make_persona(
        "inspecteur-47", kind=OrganisationKind.LABOUR_INSPECTORATE, dep="47"
    )


def _group(rows, **changes):
    data = {
        "intake_token": str(uuid.uuid4()),
        "operation": "Inspection ferme 47",
        "first_contact": "Contrôle de l'inspection du travail (fictif)",
        "sex": "M",
        "dangers": ["housed_by_exploiter"],
        "level": "critical",
        "zone_departements": ["47"],
        "zone_commune": "",
        "ask_shelter": "on",
        "consent_date": timezone.localdate().isoformat(),
        "priority": "3",
        "p-TOTAL_FORMS": str(len(rows)),
        "p-INITIAL_FORMS": str(len(rows)),
        "p-MIN_NUM_FORMS": "1",
        "p-MAX_NUM_FORMS": "30",
    }
    for n, row in enumerate(rows):
        data.update({f"p-{n}-{key}": value for key, value in row.items()})
    data.update(changes)
    return data


def _men(count, agree=True):
    rows = []
    for n in range(count):
        row = {"family_name": "Fictif", "given_names": f"Ouvrier {n + 1}", "languages": "roumain"}
        if agree:
            row["consents_to_shelter"] = "on"
        rows.append(row)
    return rows


def test_twelve_men_one_intake_twelve_cases_one_batch(client, inspector):
    sign_in(client, inspector)
    data = _group(_men(12) + [{}, {}])  # two rows left empty
    response = client.post(reverse("case_open_group"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cases = list(Case.objects.all())
    assert len(cases) == 12
    assert {case.operation for case in cases} == {"Inspection ferme 47"}
    assert {case.referent_org_id for case in cases} == {inspector.actor.organisation_id}
    assert [z.where["departement"] for z in DangerZone.objects.all()] == ["47"] * 12
    assert RiskAssessment.objects.filter(level="critical").count() == 12
    requests = PlacementRequest.objects.filter(operation="Inspection ferme 47")
    assert requests.count() == 12 and {r.needs["sex"] for r in requests} == {"M"}
    coordinator = personas.territorial("coord-47", dep="47")
    pending = batch.pending_requests(coordinator.actor, "Inspection ferme 47")
    assert len(pending) == 12
    # the same intake posted again opens nothing more
    assert client.post(reverse("case_open_group"), data).status_code == 302
    assert Case.objects.count() == 12 and PlacementRequest.objects.count() == 12


def test_each_person_consents_for_themself(client, inspector):
    sign_in(client, inspector)
    rows = _men(3)
    del rows[1]["consents_to_shelter"]
    assert client.post(reverse("case_open_group"), _group(rows)).status_code == 302
    assert Case.objects.count() == 3 and PlacementRequest.objects.count() == 2


def test_a_row_without_a_name_opens_no_case_at_all(client, inspector):
    sign_in(client, inspector)
    rows = _men(4)
    rows[2] = {"birth_year": "1990"}
    response = client.post(reverse("case_open_group"), _group(rows))
    assert response.status_code == 400
    assert "Give at least a name or an alias" in response.content.decode() or (
        "au moins un nom" in response.content.decode()
    )
    assert not Case.objects.exists() and not PlacementRequest.objects.exists()


def test_an_empty_intake_says_so(client, inspector):
    sign_in(client, inspector)
    response = client.post(reverse("case_open_group"), _group([{}, {}]))
    assert response.status_code == 400 and not Case.objects.exists()


def test_the_page_offers_the_rows_asked_for(client, inspector):
    sign_in(client, inspector)
    page = client.get(reverse("case_open_group") + "?personnes=12").content.decode()
    assert page.count('data-testid="person-row"') == 12
    page = client.get(reverse("case_open_group") + "?personnes=9999").content.decode()
    assert page.count('data-testid="person-row"') == 30


def test_a_police_investigator_cannot_open_a_group(client, participant):
    sign_in(client, participant)
    assert client.get(reverse("case_open_group")).status_code == 404
