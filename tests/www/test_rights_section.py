"""The rights on the case page (issue 12, items 2 and 3, first part): a refusal the law may
not allow asks its question first, one click answers it, and the refusal is then flagged with
its article; only the referent's caseworkers see the section; a bad answer changes nothing."""

import pytest
from django.urls import reverse

from parcours.rights import services as rights
from parcours.rights.models import Fact
from tests.conftest import sign_in
from tests.factories import ServiceFactory
from tests.personas import join_case, make_persona
from tests.rights.builders import refused_young_man


@pytest.fixture
def refused(referent):
    """A young man of 19 without resources, refused young-adult support as "not in an
    insertion pathway" (fictional)."""
    return refused_young_man(referent)


def _page(client, case):
    client.cookies["django_language"] = "en"
    return client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()


def test_the_question_comes_first_then_the_refusal_is_flagged(client, referent, refused):
    sign_in(client, referent)
    page = _page(client, refused)
    assert 'data-testid="finding-ask"' in page
    assert 'data-testid="question-in_child_welfare_before_18"' in page
    assert "Answer a question about a refusal" in page  # at the top, as a next action
    url = reverse("case_fact", kwargs={"ref": refused.ref})
    answer = {"name": "in_child_welfare_before_18", "answer": "yes"}
    assert client.post(url, answer).status_code == 302
    page = _page(client, refused)
    assert 'data-testid="finding-contrary"' in page
    assert (
        "Refusal possibly contrary to Code de l&#x27;action sociale et des familles L222-5" in page
    )
    assert "See the refusal possibly contrary to the law" in page


def test_no_means_no_finding(client, referent, refused):
    sign_in(client, referent)
    url = reverse("case_fact", kwargs={"ref": refused.ref})
    client.post(url, {"name": "in_child_welfare_before_18", "answer": "no"})
    page = _page(client, refused)
    assert "finding-" not in page
    assert 'data-testid="right-young_adult_support_mandatory"' in page


@pytest.mark.parametrize(
    "answer",
    [
        {"name": "in_child_welfare_before_18", "answer": "perhaps"},
        {"name": "age", "answer": "19"},
        {"name": "identified_on", "answer": "not a date"},
        {"name": "stay_status", "answer": "tourist"},
    ],
)
def test_a_bad_answer_says_so_and_changes_nothing(client, referent, refused, answer):
    sign_in(client, referent)
    before = Fact.objects.count()
    response = client.post(reverse("case_fact", kwargs={"ref": refused.ref}), answer)
    assert response.status_code == 400
    assert Fact.objects.count() == before
    assert 'data-testid="fold-rights" open' in response.content.decode()


def test_a_participant_sees_no_rights_and_cannot_answer(client, referent, outsider, refused):
    join_case(referent, refused, outsider, groups=("identity", "social"))
    sign_in(client, outsider)
    assert 'data-testid="fold-rights"' not in _page(client, refused)
    url = reverse("case_fact", kwargs={"ref": refused.ref})
    assert client.post(url, {"name": "ties_broken", "answer": "yes"}).status_code == 404


def test_a_blocked_pathway_shows_with_its_way_out_one_click_away(client, referent, case):
    from tests.rights.test_blocking import _ask

    hostel = _ask(referent, case, "social_support")
    rights.record_stated_requirement(referent.actor, hostel, "employment_contract")
    _ask(referent, case, "insertion", ["health_cover"])
    _ask(referent, case, "health_insurance", ["address"])
    for name in ("has_address", "has_health_cover", "has_employment_contract"):
        rights.record_fact(referent.actor, case, name, False)
    domiciliation = make_persona("ccas-domiciliation", kind="ccas", dep="33")
    ServiceFactory(
        organisation=domiciliation.actor.organisation, kind="domiciliation", name="Domiciliation"
    )
    sign_in(client, referent)
    page = _page(client, case)
    assert 'data-testid="blocked-pathway"' in page and "Unblock the pathway" in page
    link = f"/dossiers/{case.ref}/orientations/nouvelle/?kind=domiciliation&amp;departement=33"
    assert link.split("?")[1] in page
    target = page.split("?kind=domiciliation&amp;departement=33")[0].rsplit('href="', 1)[1]
    answer = client.get(target + "?kind=domiciliation&departement=33").content.decode()
    assert "Domiciliation" in answer
