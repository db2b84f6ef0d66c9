"""What a tester found in a minute on the demo pages (issue 9, headless pass as each persona),
each with the test that catches it: a way for a caseworker without the location designation
to learn where the person sleeps, a gendarmerie that could not see its own task, consents
after a refusal of all sharing, a status changed by an empty form, menu links ending on 404,
and the person page's misleading or raw texts."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import sharing_refusal
from parcours.core.errors import DomainError
from parcours.referrals import consent as consents
from tests.conftest import sign_in
from tests.security.full_case import HOST_ORG, built_once


@pytest.fixture(scope="module")
def full(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as built:
        yield built


def _page(client, persona, full, route, **kwargs):
    sign_in(client, full.personas[persona])
    response = client.get(reverse(route, kwargs=kwargs))
    assert response.status_code == 200, route
    return response.content.decode()


def test_the_participant_form_lists_the_host_like_any_organisation(full, db, client):
    """Leaving the organisations already taking part out of the list told, against the public
    directory, which facility hosts the person."""
    page = _page(client, "referent_plain", full, "case_participant_add", ref=full.case.ref)
    host = full.orgs["host"]
    assert f'value="{host.pk}"' in page
    assert f'value="{full.case.referent_org_id}"' not in page


def test_the_ranked_list_shows_no_departement_without_the_location(full, db, client):
    """The place chosen becomes where the person sleeps: its département is location."""
    request = full.requests[0]
    kwargs = {"ref": full.case.ref, "pk": request.pk}
    plain = _page(client, "referent_plain", full, "placement_request", **kwargs)
    designated = _page(client, "referent", full, "placement_request", **kwargs)
    header = '<th scope="col">Département</th>'
    assert header in designated and header not in plain


def test_the_owner_of_a_task_sees_it_and_reaches_its_conference(full, db, client):
    """A conference gave the gendarmerie (identity and justice, not social) a task: its case
    page listed no task, the notification led where it could not close it."""
    page = _page(client, "gendarmerie", full, "case_detail", ref=full.case.ref)
    tasks = re.search(r'data-testid="tasks">(.*?)</ul>', page, flags=re.S)
    assert tasks, "the gendarmerie sees no task of its own"
    held = full.conferences["held"]
    assert reverse("conference_detail", kwargs={"ref": full.case.ref, "pk": held.pk}) in (
        tasks.group(1)
    )
    assert "Marquer comme fait" in tasks.group(1)
    assert tasks.group(1).count("<li") == 1, "only its own task, not the others"
    assert HOST_ORG not in page


def test_no_consent_is_recorded_after_a_refusal_of_all_sharing(full, db, client):
    referent = full.personas["referent"]
    sharing_refusal.record_refusal(referent.actor, full.case)
    with pytest.raises(DomainError, match="refusé tout partage|refused all sharing"):
        consents.record_consent(
            referent.actor,
            full.case,
            full.orgs["siao"],
            purpose="Hébergement",
            given_on=timezone.localdate(),
            how="oral",
            language="français",
        )
    sign_in(client, referent)
    before = full.case.consents.count()
    answer = client.post(
        reverse("case_consent_add", kwargs={"ref": full.case.ref}),
        {
            "recipient": full.orgs["siao"].pk,
            "purpose": "Hébergement",
            "given_on": timezone.localdate().isoformat(),
            "how": "oral",
            "language": "français",
        },
    )
    assert "refusé tout partage" in answer.content.decode()
    assert full.case.consents.count() == before


def test_an_empty_status_form_changes_nothing(full, db, client):
    sign_in(client, full.personas["referent"])
    status = full.case.status
    answer = client.post(
        reverse("case_status", kwargs={"ref": full.case.ref}),
        {"status": "", "reason": "", "version": full.case.version},
    )
    assert answer.status_code == 400
    full.case.refresh_from_db()
    assert full.case.status == status
    page = answer.content.decode()
    assert re.search(r'<details class="fr-mt-2w" open>\s*<summary>Modifier le statut', page)


@pytest.mark.parametrize(
    "persona,shown,hidden",
    [
        ("gendarmerie", [], ["case_open", "placement_inbox", "batch_allocation", "break_glass"]),
        ("host", ["placement_inbox", "facility_list"], ["case_open", "batch_allocation"]),
        ("territorial", ["break_glass", "batch_allocation"], ["case_open", "placement_inbox"]),
        ("referent", ["case_open"], ["placement_inbox", "batch_allocation", "break_glass"]),
    ],
)
def test_the_menu_offers_only_pages_the_reader_may_open(full, db, client, persona, shown, hidden):
    page = _page(client, persona, full, "my_cases")
    menu = re.search(r'<ul class="fr-nav__list">(.*?)</ul>', page, flags=re.S).group(1)
    for route in shown:
        assert f'href="{reverse(route)}"' in menu, route
        assert client.get(reverse(route)).status_code == 200, route
    for route in hidden:
        assert f'href="{reverse(route)}"' not in menu, route


def test_the_person_page_says_why_the_location_is_not_shown(full, db, client):
    """To the referent's caseworker without the designation: not "not shared with your
    organisation" (it is the referent); and the access history names the groups in words."""
    page = _page(client, "referent_plain", full, "person_detail", ref=full.person.ref)
    assert "Non partagé avec votre organisation" not in page
    assert "désignés pour savoir où dort la personne" in page
    history = re.search(r"<table.*?</table>", page, flags=re.S)
    if history:  # the referent's caseworkers read the access history
        assert "identity" not in history.group(0) and "Identité" in history.group(0)
