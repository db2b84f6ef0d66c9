"""The screening pages (issue 13, items 1-2): the list and "start", the guided form (indicators
by category in DSFR fieldsets, four answers each, "Save draft" and "Complete", no JavaScript
needed), the qualification shown after saving, a stale save that keeps what was typed, and a
404 for whoever may not read the screening."""

import html
import re

import pytest
from django.urls import reverse

from parcours.identification import screening
from parcours.identification.indicators import catalogue
from parcours.identification.models import Screening
from tests.conftest import sign_in
from tests.shelter.conftest import host_the_person

ACT = "labour_recruited_by_intermediary"
MEANS = "ilo_retention_of_documents"
PURPOSE = "labour_unpaid"


def _list(case):
    return reverse("case_screenings", kwargs={"ref": case.ref})


def _page(case, pk):
    return reverse("case_screening", kwargs={"ref": case.ref, "pk": pk})


def _post(client, case, found, action="save", version=None, **answers):
    data = {"version": found.version if version is None else version, "notes": "", "action": action}
    data.update({f"i_{key}": value for key, value in answers.items()})
    return client.post(_page(case, found.pk), data)


def test_the_referent_starts_a_screening_and_gets_the_guided_form(client, referent, case):
    sign_in(client, referent)
    assert 'data-testid="no-screening"' in client.get(_list(case)).content.decode()
    response = client.post(_list(case))
    found = Screening.objects.get()
    assert response.status_code == 302 and response["Location"] == _page(case, found.pk)
    page = client.get(_page(case, found.pk)).content.decode()
    start = page.index('data-testid="screening-form"')
    form = page[start : page.index("</form>", start)]
    assert form.count('class="fr-fieldset fr-mb-3w"') == len(catalogue().categories)
    for category in catalogue().categories:
        assert f'data-testid="category-{category}"' in form
    assert "Exploitation par le travail" in form and "Mendicité forcée" in form  # French first
    radios = re.findall(r'type="radio" name="i_([a-z_]+)" value="([a-z_]+)"', form)
    assert len(radios) == 4 * len(catalogue().indicators)
    assert {value for _name, value in radios} == {
        "observed",
        "reported",
        "not_observed",
        "unknown",
    }
    assert 'value="save"' in form and 'value="complete"' in form
    assert "<script" not in form  # works without JavaScript
    assert 'data-testid="no-qualification"' in page


def test_saving_a_draft_keeps_the_answers_and_shows_the_qualification(client, referent, case):
    sign_in(client, referent)
    client.cookies["django_language"] = "en"
    found = screening.start(referent.actor, case)
    response = _post(client, case, found, **{ACT: "observed", PURPOSE: "reported"})
    assert response.status_code == 302 and response["Location"].endswith("#qualification")
    page = client.get(_page(case, found.pk)).content.decode()
    assert "Draft saved." in page
    assert re.search(rf'name="i_{ACT}" value="observed"[^>]*checked', page)
    assert re.search(rf'name="i_{PURPOSE}" value="reported"[^>]*checked', page)
    qualification = page[page.index('data-testid="qualification"') :]
    assert 'data-recommendation="to_examine"' in qualification
    assert "Recommendation: to examine" in qualification
    assert "Means: no indicator observed or reported." in qualification
    act = qualification[qualification.index('data-testid="element-act"') :]
    assert "Recruited through an intermediary" in act.split("</tr>")[0]
    assert "Supported" in act.split("</tr>")[0]
    assert "This is a recommendation, not a decision" in qualification
    assert Screening.objects.get().status == "draft"


def test_completing_records_the_recommendation_and_shows_the_screening_read_only(
    client, referent, case
):
    sign_in(client, referent)
    found = screening.start(referent.actor, case)
    response = _post(
        client,
        case,
        found,
        action="complete",
        **{ACT: "observed", MEANS: "reported", PURPOSE: "observed"},
    )
    assert response.status_code == 302
    stored = Screening.objects.get()
    assert stored.status == "completed" and stored.recommendation == "presumed_victim"
    page = client.get(_page(case, found.pk)).content.decode()
    assert 'data-testid="screening-form"' not in page
    assert "Recommandation : victime présumée" in page
    assert "observé" in page and "non renseigné" in page
    listing = client.get(_list(case)).content.decode()
    assert f'data-testid="screening-{found.pk}"' in listing and "Victime présumée" in listing


def test_a_minor_without_means_is_presumed_and_the_page_says_why(client, referent, case):
    person = case.person
    person.birth_date = {"year": case.opened_at.year - 15}
    person.save()
    sign_in(client, referent)
    client.cookies["django_language"] = "en"
    found = screening.start(referent.actor, case)
    _post(client, case, found, **{ACT: "observed", PURPOSE: "observed"})
    page = client.get(_page(case, found.pk)).content.decode()
    assert 'data-recommendation="presumed_victim"' in page
    assert "Not required (minor)" in page
    assert "not required, the person is under 18" in page


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, referent, colleague, case):
    found = screening.start(referent.actor, case)
    seen = found.version
    screening.save_draft(colleague.actor, found, answers={ACT: "not_observed"})
    sign_in(client, referent)
    client.cookies["django_language"] = "en"
    response = _post(client, case, found, version=seen, **{ACT: "observed", PURPOSE: "observed"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone saved this screening meanwhile" in page
    changed = page[page.index('data-testid="changed-meanwhile"') :]
    assert "Recruited through an intermediary" in changed and "not observed" in changed
    assert re.search(rf'name="i_{PURPOSE}" value="observed"[^>]*checked', page)  # kept
    assert Screening.objects.get().answers == {ACT: "not_observed"}  # nothing changed
    fresh = Screening.objects.get().version
    assert f'name="version" value="{fresh}"' in page  # saving again now goes through
    again = _post(client, case, found, version=fresh, **{ACT: "observed", PURPOSE: "observed"})
    assert again.status_code == 302
    assert Screening.objects.get().answers == {ACT: "observed", PURPOSE: "observed"}


def test_the_referent_reads_a_participants_screening_without_changing_it(
    client, referent, participant, case
):
    theirs = screening.start(participant.actor, case)
    screening.save_draft(participant.actor, theirs, answers={MEANS: "observed"})
    sign_in(client, referent)
    page = client.get(_page(case, theirs.pk)).content.decode()
    assert 'data-testid="screening-form"' not in page and 'data-testid="qualification"' in page
    response = _post(client, case, Screening.objects.get(), **{MEANS: "not_observed"})
    assert response.status_code == 400
    assert "Seule l'organisation qui a commencé ce repérage peut le modifier." in html.unescape(
        response.content.decode()
    )
    assert Screening.objects.get().answers == {MEANS: "observed"}


@pytest.mark.parametrize("who", ["outsider", "territorial", "coordinator", "participant", "host"])
def test_who_may_not_read_the_referents_screening_gets_404(client, referent, case, who, request):
    persona = request.getfixturevalue(who)
    if who == "host":
        host_the_person(referent, case, persona)
    found = screening.start(referent.actor, case)
    sign_in(client, persona)
    assert client.get(_page(case, found.pk)).status_code == 404
    assert client.post(_page(case, found.pk), {"version": 1}).status_code == 404
    missing = client.get(_page(case, found.pk + 100))
    assert missing.status_code == 404
    expected = 200 if who in ("participant", "host") else 404  # they may screen themselves
    assert client.get(_list(case)).status_code == expected
    assert Screening.objects.count() == 1


def test_a_facility_that_screened_is_not_named_to_a_reader_without_the_location(
    client, referent, colleague, host, case
):
    host_the_person(referent, case, host)
    screening.start(host.actor, case)
    sign_in(client, colleague)  # the referent's colleague, not designated for locations
    page = client.get(_list(case)).content.decode()
    assert "un établissement du réseau" in page
    assert host.actor.organisation.name not in page


def test_the_case_page_leads_to_the_screening_and_shows_its_recommendation(
    client, referent, host, case
):
    """The host facility (no justice group) still screens from the case page; the referent
    reads the recommendation of the newest screening there."""
    host_the_person(referent, case, host)
    sign_in(client, host)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert 'data-testid="screening-summary"' in page and _list(case) in page
    assert 'data-testid="stage-form"' not in page  # the stages are the justice group's
    found = screening.start(referent.actor, case)
    answers = {ACT: "observed", MEANS: "reported", PURPOSE: "observed"}
    screening.save_draft(referent.actor, found, answers=answers, expected_version=found.version)
    client.logout()
    sign_in(client, referent)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert 'data-testid="screening-recommendation">presumed victim' in page


def test_the_list_and_the_page_agree_for_a_reader_who_may_not_know_the_age(client, referent):
    """A partner of the social group only completes a screening of a girl of 15: act and
    purpose observed. The stored recommendation (true age: no means needed) is "presumed
    victim"; what the partner reads everywhere is assessed as for an adult, "to examine", so
    that comparing two pages does not tell it she is a minor (review of issue 13)."""
    from tests.identification.builders import girl_with_a_social_partner

    young, social = girl_with_a_social_partner(referent)
    found = screening.start(social.actor, young)
    done = screening.complete(
        social.actor,
        found,
        answers={ACT: "observed", PURPOSE: "observed"},
        expected_version=found.version,
    )
    assert done.recommendation == "presumed_victim"
    sign_in(client, social)
    client.cookies["django_language"] = "en"
    listing = html.unescape(client.get(_list(young)).content.decode())
    row = listing[listing.index('data-testid="screening-') :]
    row = row[: row.index("</tr>")]
    assert "To examine" in row and "Presumed" not in row
    page = client.get(_page(young, done.pk)).content.decode()
    assert re.findall(r'data-recommendation="([a-z_]+)"', page) == ["to_examine"]
    case_page = client.get(reverse("case_detail", kwargs={"ref": young.ref})).content.decode()
    assert 'data-testid="screening-recommendation">to examine' in case_page
