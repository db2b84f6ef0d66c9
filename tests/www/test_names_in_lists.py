"""Names where the reader may see them (issue 11, point 1): my cases, my tasks, the referrals
inbox and the notifications show the person's name and age to the readers who see the identity
group of that case, the reference alone to the other readers of the case, nothing to a reader
who may not open it; URLs keep the reference only."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.alerts.notify import notify
from parcours.cases import tasks
from parcours.referrals import services as referrals
from tests.conftest import sign_in
from tests.personas import join_case
from tests.www.conftest import give_consent

NAME = "FICTIF Amadou"  # the standard person, family name first in capitals


def _page(client, persona, route):
    client.cookies["django_language"] = "en"
    sign_in(client, persona)
    return client.get(reverse(route)).content.decode()


def _age(case):
    return case.person.age_on(timezone.localdate())


def test_my_cases_names_the_person_with_her_age_to_the_referent(client, referent, case):
    page = _page(client, referent, "my_cases")
    assert f"{NAME}</span>, {_age(case)} years old" in page
    assert case.person.ref in page  # and the reference beside it


def test_a_participant_with_identity_sees_the_name(client, participant, case):
    assert NAME in _page(client, participant, "my_cases")


def test_a_participant_without_identity_sees_the_reference_only(client, referent, outsider, case):
    join_case(referent, case, outsider, groups=("social",))
    page = _page(client, outsider, "my_cases")
    assert case.ref in page and case.person.ref in page
    assert "FICTIF" not in page and "Amadou" not in page and "years old" not in page


def test_the_list_links_by_reference_only(client, referent, case):
    page = _page(client, referent, "my_cases")
    assert f'href="/dossiers/{case.ref}/"' in page
    assert "Amadou" not in "".join(part.split('"')[0] for part in page.split('href="')[1:])


def test_my_tasks_lists_the_organisations_open_tasks_with_the_person(client, referent, case):
    due = timezone.localdate() + datetime.timedelta(days=3)
    tasks.add_task(
        referent.actor,
        case,
        title="Appeler la PASS",
        owner_org=referent.actor.organisation,
        due_on=due,
    )
    page = _page(client, referent, "my_tasks")
    assert "Appeler la PASS" in page and NAME in page and case.ref in page
    assert "Mark as done" in page


def test_my_tasks_shows_another_organisations_task_to_its_owner_by_reference(
    client, referent, outsider, case
):
    actor = join_case(referent, case, outsider, groups=("social",))
    tasks.add_task(referent.actor, case, title="Dossier CAF", owner_org=actor.organisation)
    page = _page(client, outsider, "my_tasks")
    assert "Dossier CAF" in page and case.person.ref in page
    assert "FICTIF" not in page
    assert "Dossier CAF" not in _page(client, referent, "my_tasks")  # not the referent's own task


@pytest.fixture
def referral(referent, case, recipient, shelter):
    give_consent(referent, case, recipient.actor.organisation)
    return referrals.create_and_send(
        referent.actor, case, shelter, purpose="Mise à l'abri", request_token=uuid.uuid4()
    )


def test_the_inbox_names_nobody_before_acceptance_and_the_person_after(
    client, recipient, referral, case
):
    page = _page(client, recipient, "referral_inbox")
    assert referral.ref in page
    assert case.person.ref not in page and "FICTIF" not in page
    referrals.accept(recipient.actor, referral, referral.version)
    from parcours.core.actor import actor_for

    recipient.actor = actor_for(recipient.user)
    assert NAME in _page(client, recipient, "referral_inbox")


def test_notifications_name_the_person_to_identity_readers_only(client, referent, outsider, case):
    join_case(referent, case, outsider, groups=("social",))
    for persona in (referent, outsider):
        notify(
            "task_assigned",
            persona.actor.organisation,
            ref=case.ref,
            link=f"/dossiers/{case.ref}/",
            email=False,
        )
    assert NAME in _page(client, referent, "notifications")
    page = _page(client, outsider, "notifications")
    assert "FICTIF" not in page and "Amadou" not in page
