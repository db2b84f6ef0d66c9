"""Tasks: who adds them, who closes them, who sees them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import tasks
from parcours.cases.models import Task
from parcours.core.errors import DomainError, NotAllowed
from tests import personas
from tests.conftest import join_case, make_persona, sign_in


def test_referent_gives_a_task_to_a_participant_who_closes_it(case, referent, participant):
    task = tasks.add_task(
        referent.actor,
        case,
        title="Préparer l'audition",
        owner_org=participant.actor.organisation,
        due_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    assert not tasks.can_add_task(participant.actor, case)  # police sees no social group
    assert tasks.can_close_task(referent.actor, task)
    closed = tasks.close_task(referent.actor, task)
    assert closed.status == Task.Status.DONE and closed.done_by == referent.user
    assert tasks.close_task(referent.actor, task).done_at == closed.done_at  # idempotent


def test_a_task_goes_to_someone_in_the_pathway(case, referent, outsider):
    with pytest.raises(DomainError):
        tasks.add_task(referent.actor, case, title="x", owner_org=outsider.actor.organisation)


def test_a_task_needs_a_title_and_a_future_date(case, referent):
    with pytest.raises(DomainError):
        tasks.add_task(referent.actor, case, title="  ", owner_org=case.referent_org)
    with pytest.raises(DomainError):
        tasks.add_task(
            referent.actor,
            case,
            title="x",
            owner_org=case.referent_org,
            due_on=timezone.localdate() - datetime.timedelta(days=10),
        )


def test_outsiders_cannot_add_or_close(case, referent, outsider):
    task = tasks.add_task(referent.actor, case, title="x", owner_org=case.referent_org)
    with pytest.raises(NotAllowed):
        tasks.add_task(outsider.actor, case, title="x", owner_org=case.referent_org)
    with pytest.raises(NotAllowed):
        tasks.close_task(outsider.actor, task)


def test_overdue(case, referent):
    task = tasks.add_task(
        referent.actor, case, title="x", owner_org=case.referent_org, due_on=timezone.localdate()
    )
    assert not task.is_overdue()
    assert task.is_overdue(timezone.localdate() + datetime.timedelta(days=1))


def test_tasks_on_the_case_page_only_for_those_who_see_the_social_group(
    client, case, referent, participant
):
    tasks.add_task(referent.actor, case, title="Appeler la CPAM", owner_org=case.referent_org)
    url = reverse("case_detail", kwargs={"ref": case.ref})
    sign_in(client, referent)
    assert "Appeler la CPAM" in client.get(url).content.decode()
    client.logout()
    sign_in(client, participant)
    assert "Appeler la CPAM" not in client.get(url).content.decode()


def test_add_and_close_from_the_page(client, case, referent):
    sign_in(client, referent)
    response = client.post(
        reverse("case_task_add", kwargs={"ref": case.ref}),
        {"title": "Demander la domiciliation", "owner_org": case.referent_org.pk},
    )
    assert response.status_code == 302
    task = case.tasks.get()
    client.post(reverse("case_task_done", kwargs={"ref": case.ref, "pk": task.pk}))
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


def test_a_shelter_participant_with_the_social_group_adds_tasks(case, referent, db):

    shelter = personas.facility_staff("shelter-t")
    join_case(referent, case, shelter, groups=["identity", "social"], role="support")
    from parcours.core.actor import actor_for

    actor = actor_for(shelter.user)
    task = tasks.add_task(actor, case, title="Accueil", owner_org=shelter.actor.organisation)
    assert tasks.can_close_task(actor, task)


def test_a_task_of_the_host_shelter_does_not_name_it_to_those_without_the_location(
    client, case, referent, db
):
    """The shelter's name says where the person sleeps; a social-group reader without the
    location reads "the host facility" (a conference's decision can give it a task)."""
    shelter = personas.facility_staff("host-t")
    join_case(referent, case, shelter, groups=["identity", "location", "social"], role="shelter")
    name = shelter.actor.organisation.name
    tasks.create_task(
        referent.actor, case, title="Préparer la chambre", owner_org=shelter.actor.organisation
    )
    partner = make_persona("partner-t")
    join_case(referent, case, partner, groups=["identity", "social"])
    sign_in(client, partner)
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert "Préparer la chambre" in page and name not in page
    client.logout()
    sign_in(client, referent)  # the referent's caseworker sees the location
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert name in page
