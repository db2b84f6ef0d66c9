"""Pages as a user sees them: messages in their language, nothing half-saved, groups hidden."""

import html
import re
import uuid

import pytest
from django.urls import reverse

from parcours.audit.models import JournalEntry
from parcours.cases.models import Case, Contact
from parcours.people.models import Person
from tests import personas
from tests.conftest import join_case, sign_in

INTAKE = {
    "family_name": "Fictif",
    "given_names": "Moussa",
    "sex": "M",
    "birth_year": "2006",
    "birth_month": "4",
    "birth_day": "",
    "phone": "06 11 22 33 44",
}


def _post_intake(client, **changes):
    data = {**INTAKE, "intake_token": str(uuid.uuid4()), **changes}
    return client.post(reverse("case_open"), data)


def test_intake_opens_a_case_and_shows_it(client, referent):
    sign_in(client, referent)
    response = _post_intake(client)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "case_detail", kwargs={"ref": case.ref}
    )
    page = client.get(response["Location"]).content.decode()
    assert "FICTIF Moussa" in page and case.ref in page
    assert case.ref in client.get(reverse("my_cases")).content.decode()


def test_double_submit_creates_one_case(client, referent):
    sign_in(client, referent)
    token = str(uuid.uuid4())
    _post_intake(client, intake_token=token)
    _post_intake(client, intake_token=token)
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"family_name": "", "given_names": ""}, "Indiquez au moins un nom ou un alias"),
        ({"birth_year": "", "birth_month": "4"}, "Indiquez l’année"),
        ({"birth_month": "2", "birth_day": "30"}, "Ce jour n’existe pas"),
        ({"birth_year": "1850"}, "Saisissez une année entre 1900"),
        ({"birth_month": "13"}, "Saisissez un mois entre 1 et 12"),
        ({"phone": "appelle-moi"}, "Saisissez un numéro de téléphone"),
        ({"birth_year": "abc"}, "Saisissez un nombre entier"),
    ],
)
def test_bad_intake_says_why_in_french_and_saves_nothing(client, referent, changes, message):
    sign_in(client, referent)
    response = _post_intake(client, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_messages_in_english_when_chosen(client, referent):
    sign_in(client, referent)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = _post_intake(client, family_name="", given_names="")
    assert "Give at least a name or an alias" in response.content.decode()


def test_search_by_exact_name_is_journaled_without_the_name(client, referent, case):
    sign_in(client, referent)
    page = client.post(reverse("my_cases"), {"q": "amadou fictif"}).content.decode()
    assert case.ref in page
    entry = JournalEntry.objects.filter(action="person.search").get()
    assert "amadou" not in f"{entry.object_ref}{entry.reason}{entry.groups}".lower()
    assert case.ref not in client.post(reverse("my_cases"), {"q": "Autre Nom"}).content.decode()


def test_search_never_reaches_beyond_the_actor_scope(client, outsider, case):
    sign_in(client, outsider)
    page = client.post(reverse("my_cases"), {"q": "Amadou Fictif"}).content.decode()
    assert case.ref not in page


def test_htmx_filter_returns_the_results_fragment(client, referent, case):
    sign_in(client, referent)
    response = client.get(reverse("my_cases"), {"status": "open"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert case.ref in body and "<html" not in body


def test_participant_sees_only_shared_groups_on_the_person_page(client, participant, case):
    sign_in(client, participant)
    page = client.get(reverse("person_detail", kwargs={"ref": case.person.ref})).content.decode()
    assert "Plainte déposée" in page  # justice, shared
    assert "Amadou" in page  # identity, shared
    for hidden in ("Foyer Les Acacias", "Suivi médical", "Sans ressources", "Récépissé"):
        assert hidden not in page
    assert "Historique des accès" not in page


def test_participant_case_page_hides_unshared_timeline(client, participant, case):
    sign_in(client, participant)
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert "Venu à la permanence" not in page  # social group, not shared
    assert "FICTIF Amadou" in page


def test_referent_sees_the_access_history(client, referent, participant, case):
    sign_in(client, participant)
    client.get(reverse("person_detail", kwargs={"ref": case.person.ref}))
    client.logout()
    sign_in(client, referent)
    page = client.get(reverse("person_detail", kwargs={"ref": case.person.ref})).content.decode()
    assert "Historique des accès" in page
    assert participant.actor.organisation.name in page


def test_the_access_history_pages_back_to_the_first_entry(client, referent, participant, case):
    """100 entries a page, newest first; "Older entries" goes on from the last one shown until
    the case's opening, with no entry twice and none missed."""
    from parcours.audit.enums import Action
    from parcours.audit.journal import history_for, record

    for _ in range(120):
        record(participant.actor, Action.VIEW_CASE, case, groups=["identity"])
    sign_in(client, referent)
    url = reverse("person_detail", kwargs={"ref": case.person.ref})
    total = history_for(case.person).count()  # the page journals its own read after reading
    oldest = history_for(case.person).last()
    seen, pages, link = [], 0, url
    while link:
        page = client.get(link).content.decode()
        pages += 1
        rows = re.findall(r"<tr><td>(.*?)</tr>", page, re.S)
        assert 0 < len(rows) <= 100
        seen += rows
        older = re.search(r'href="(\?avant=\d+)#history-title"', page)
        link = url + html.unescape(older[1]) if older else None
        if pages > 1:
            assert "Entrées les plus récentes" in page
    assert pages == 2 and len(seen) == total
    assert len(set(seen)) > 1 and html.escape(oldest.action_label()) in seen[-1]
    newest = client.get(url + "?avant=abc").content.decode()
    assert "Entrées plus anciennes" in newest and "Entrées les plus récentes" not in newest


def test_every_read_is_journaled_with_its_groups(client, participant, case):
    sign_in(client, participant)
    client.get(reverse("case_detail", kwargs={"ref": case.ref}))
    entry = JournalEntry.objects.filter(action="case.view").latest("seq")
    assert entry.user == participant.user and entry.object_ref == case.ref
    assert entry.groups == ["identity", "justice"]


def test_status_change_from_a_stale_page_is_refused(client, referent, case):
    sign_in(client, referent)
    url = reverse("case_status", kwargs={"ref": case.ref})
    client.post(url, {"status": "followed", "version": case.version})
    response = client.post(url, {"status": "in_safety", "version": case.version})
    assert response.status_code == 400
    assert "modifié par quelqu’un d’autre" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "followed"


def test_contact_log_from_the_case_page(client, referent, case):
    sign_in(client, referent)
    url = reverse("case_contact", kwargs={"ref": case.ref})
    token = str(uuid.uuid4())
    for _ in range(2):  # double click
        response = client.post(url, {"channel": "phone", "note": "Appel", "request_token": token})
        assert response.status_code == 302
    assert Contact.objects.filter(case=case).count() == 1


def test_add_participant_without_consent_date_is_refused(client, referent, outsider, case):
    sign_in(client, referent)
    response = client.post(
        reverse("case_participant_add", kwargs={"ref": case.ref}),
        {
            "organisation": outsider.actor.organisation.pk,
            "role": "support",
            "groups": ["identity"],
            "basis": "consent",
        },
    )
    assert response.status_code == 200
    assert "Indiquez la date à laquelle la personne a consenti" in response.content.decode()
    assert not case.participants.filter(organisation=outsider.actor.organisation).exists()


def test_removed_participant_loses_the_case_on_its_next_request(
    client, referent, participant, case
):
    sign_in(client, referent)
    pk = case.participants.get(active=True).pk
    client.post(reverse("case_participant_end", kwargs={"ref": case.ref, "pk": pk}))
    client.logout()
    sign_in(client, participant)
    assert client.get(reverse("case_detail", kwargs={"ref": case.ref})).status_code == 404


def test_revoked_membership_loses_access_on_next_request(client, referent, case):
    sign_in(client, referent)
    url = reverse("case_detail", kwargs={"ref": case.ref})
    assert client.get(url).status_code == 200
    referent.actor.membership.__class__.objects.filter(pk=referent.actor.membership.pk).update(
        active=False
    )
    assert client.get(url).status_code == 404


def test_switching_organisation(client, referent, outsider, case):
    from tests.factories import MembershipFactory

    MembershipFactory(user=referent.user, organisation=outsider.actor.organisation)
    sign_in(client, referent)
    url = reverse("case_detail", kwargs={"ref": case.ref})
    assert client.get(url).status_code == 200
    other = referent.user.memberships.get(organisation=outsider.actor.organisation)
    client.post(reverse("switch_organisation"), {"membership": other.pk})
    assert client.get(url).status_code == 404


def test_the_host_shelter_is_listed_only_for_those_who_see_the_location(
    client, referent, participant, case
):
    shelter = personas.facility_staff("shelter-org")
    join_case(referent, case, shelter, groups=["identity", "location"], role="shelter")
    url = reverse("case_detail", kwargs={"ref": case.ref})
    name = shelter.actor.organisation.name
    sign_in(client, participant)  # police: no location group
    assert name not in client.get(url).content.decode()
    client.logout()
    colleague = personas.colleague(referent, "colleague")
    sign_in(client, colleague)  # sees the social timeline, not the location
    assert name not in client.get(url).content.decode()
    client.logout()
    sign_in(client, referent)  # designated to see the location
    assert name in client.get(url).content.decode()


def test_a_name_in_the_url_is_ignored(client, referent, case):
    """Searches are posted: a name typed into the address bar finds nothing and is not logged."""
    sign_in(client, referent)
    page = client.get(reverse("my_cases"), {"q": "Zzz Inconnu"}).content.decode()
    assert case.ref in page  # the filter was not applied
    assert not JournalEntry.objects.filter(action="person.search").exists()
