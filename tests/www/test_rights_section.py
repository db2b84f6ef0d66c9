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
from tests.rights.builders import answer_no, ask, hostel_circle, refused_young_man


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
    hostel_circle(referent, case)
    domiciliation = make_persona("ccas-domiciliation", kind="ccas", dep="33")
    ServiceFactory(
        organisation=domiciliation.actor.organisation, kind="domiciliation", name="Domiciliation"
    )
    sign_in(client, referent)
    page = _page(client, case)
    assert 'data-testid="blocked-pathway"' in page and "Unblock the pathway" in page
    assert "?kind=domiciliation&amp;right=domiciliation&amp;departement=33" in page
    target = page.split("?kind=domiciliation&amp;right=domiciliation")[0].rsplit('href="', 1)[1]
    answer = client.get(target + "?kind=domiciliation&departement=33").content.decode()
    assert "Domiciliation" in answer


def _svgs(page):
    import re
    import xml.etree.ElementTree as ET

    # Our own page, parsed to check its drawing is well-formed SVG.
    return [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", page, flags=re.S)]  # noqa: S314


def test_the_blocked_pathway_is_drawn_on_the_server_without_script_or_style(client, referent, case):
    hostel_circle(referent, case)
    sign_in(client, referent)
    page = _page(client, case)
    (svg,) = [s for s in _svgs(page) if s.get("data-testid") == "pathway-diagram"]
    ns = "{http://www.w3.org/2000/svg}"
    texts = " ".join(t.text or "" for t in svg.iter(f"{ns}text"))
    for words in ("Social support", "Insertion", "Health insurance", "Health cover"):
        assert words.lower() in texts.lower()
    assert svg.find(f"{ns}title").text == "Requests that wait on each other"
    assert not list(svg.iter(f"{ns}script")) and not list(svg.iter(f"{ns}style"))
    for element in svg.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    arrows = [p for p in svg.iter(f"{ns}path") if p.get("marker-end")]
    assert len(arrows) == 3  # two down, and the way back up: a circle


def test_the_referent_records_what_a_service_asks_for_and_the_circle_appears(
    client, referent, case
):
    hostel, _fund = hostel_circle(referent, case, stated=False)
    sign_in(client, referent)
    client.cookies["django_language"] = "en"
    detail = reverse("referral_detail", kwargs={"ref": hostel.ref})
    assert 'data-testid="no-requirement"' in client.get(detail).content.decode()
    assert 'data-testid="blocked-pathway"' not in _page(client, case)
    url = reverse("referral_requirement", kwargs={"ref": hostel.ref})
    response = client.post(url, {"code": "a_reason"}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    assert not hostel.stated_requirements.exists()
    client.post(url, {"code": "employment_contract"})
    page = client.get(detail).content.decode()
    assert 'data-testid="requirement-employment_contract"' in page
    assert 'data-testid="blocked-pathway"' in _page(client, case)
    remove = reverse("referral_requirement_remove", kwargs={"ref": hostel.ref})
    client.post(remove, {"code": "employment_contract"})
    assert 'data-testid="blocked-pathway"' not in _page(client, case)


def test_a_chain_waiting_on_a_refused_request_shows_its_drawing_and_way_out(client, referent, case):
    ask(referent, case, "shelter", ["employment_contract"])
    ask(referent, case, "insertion", ["health_cover"])
    fund = ask(referent, case, "health_insurance")
    rights.record_fact(referent.actor, case, "has_employment_contract", False)
    rights.record_fact(referent.actor, case, "has_health_cover", False)
    answer_no(fund, "incomplete_file")
    sign_in(client, referent)
    page = _page(client, case)
    assert 'data-testid="waiting-chain"' in page
    assert "Requests waiting on a stuck one: Health insurance" in page
    (svg,) = [s for s in _svgs(page) if s.get("data-testid") == "pathway-diagram"]
    stuck = [r for r in svg.iter() if "parcours-diagram__box--stuck" in (r.get("class") or "")]
    assert len(stuck) == 1
    assert "?kind=health_access_pass&amp;right=pass_health_access" in page
