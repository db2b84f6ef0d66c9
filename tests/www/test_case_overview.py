"""The case page says what needs doing (issue 11, point 3): the situation in one line, the
dangers, where things stand and the next actions at the top, most urgent first; the rest in
parts that fold, each with its count; repeated attempts newest first. Nothing in the top block
that the reader may not see further down."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import appointments, tasks
from parcours.referrals import services as referrals
from parcours.shelter import zones
from tests.conftest import sign_in
from tests.factories import ServiceFactory
from tests.www.conftest import give_consent


def _page(client, persona, case, query=""):
    client.cookies["django_language"] = "en"
    sign_in(client, persona)
    url = reverse("case_detail", kwargs={"ref": case.ref}) + query
    return client.get(url).content.decode()


def _block(page, testid):
    """The element with this test id, whole (its own tag closes it; they do not nest here)."""
    found = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', page, re.S)
    return found.group(0) if found else ""


def _actions(page):
    return re.findall(
        r'<a class="fr-btn[^"]*" href="[^"]*">([^<]+)</a>', _block(page, "next-actions")
    )


def test_the_top_says_who_and_where_things_stand(client, referent, case):
    page = _page(client, referent, case)
    situation = _block(page, "situation")
    assert "FICTIF Amadou" in situation and "years old" in situation  # as in the lists
    assert page.index('data-testid="overview"') < page.index('data-testid="fold-timeline"')


def test_a_person_in_danger_without_a_place_gets_find_a_safe_place_first(client, referent, case):
    zones.assess(referent.actor, case, dangers=["exploiters_know_location"], level="critical")
    page = _page(client, referent, case)
    assert _actions(page)[0] == "Find a safe place now"
    assert 'fr-btn" href="/dossiers/' in _block(page, "next-actions")  # the primary button
    dangers = _block(page, "overview-dangers")
    assert "Critical" in dangers and "The exploiters know where the person is" in dangers
    assert "No safe place asked for." in page


def test_an_unassessed_case_asks_for_the_assessment(client, referent, case):
    assert "Assess the dangers" in _actions(_page(client, referent, case))


def test_overdue_referrals_and_tasks_come_up_and_unfold(client, referent, case, recipient, clock):
    service = ServiceFactory(organisation=recipient.actor.organisation)
    give_consent(referent, case, recipient.actor.organisation)
    referrals.create_and_send(
        referent.actor, case, service, purpose="Orientation", request_token=uuid.uuid4()
    )
    due = timezone.localdate() + datetime.timedelta(days=1)
    tasks.add_task(referent.actor, case, title="Rappeler", owner_org=case.referent_org, due_on=due)
    clock.shift(datetime.timedelta(days=30))
    page = _page(client, referent, case)
    standing = _block(page, "standing")
    assert "1 waiting for an answer, 1 overdue" in standing and "30 days ago" in standing
    assert "1 to do, 1 overdue" in standing
    actions = _actions(page)
    assert "Follow up the overdue referrals" in actions and "See the overdue tasks" in actions
    assert re.search(r'id="referrals" data-testid="fold-referrals" open', page)
    assert re.search(r'id="tasks" data-testid="fold-tasks" open', page)
    assert re.search(r'data-testid="count-tasks">1<', page)


def test_the_next_appointment_is_at_the_top(client, referent, case):
    at = timezone.now() + datetime.timedelta(days=2)
    appointments.plan(referent.actor, case, at=at, purpose="Rendez-vous PASS")
    assert "Rendez-vous PASS" in _block(_page(client, referent, case), "standing")


def test_a_link_unfolds_its_part_and_nothing_else_is_taken(client, referent, case):
    page = _page(client, referent, case)
    assert not re.search(r'data-testid="fold-contacts" open', page)
    assert re.search(
        r'data-testid="fold-contacts" open', _page(client, referent, case, "?ouvrir=contacts")
    )
    other = _page(client, referent, case, "?ouvrir=unknown")
    assert 'id="unknown"' not in other and not re.search(r'data-testid="fold-contacts" open', other)
    assert any(
        "ouvrir=contacts#contacts" in a
        for a in re.findall(r'href="([^"]+)"', _block(page, "next-actions"))
    )


def test_a_participant_gets_only_the_actions_it_may_take(client, participant, case):
    """The police unit sees identity and justice: no dangers, no referral, no contact form."""
    zones.assess(*_referent_of(case), dangers=["threats_to_family"], level="high")
    page = _page(client, participant, case)
    assert 'data-testid="overview-dangers"' not in page
    assert "Threats to the family" not in page
    assert "Refer to a service" not in page and "Find a safe place" not in page


def _referent_of(case):
    from parcours.core.actor import actor_for

    return actor_for(case.referent_user), case


def test_repeated_attempts_are_newest_first(client, referent, case, recipient, clock):
    service = ServiceFactory(organisation=recipient.actor.organisation, emergency_115=True)
    give_consent(referent, case, recipient.actor.organisation)
    sent = []
    for _ in range(3):
        referral = referrals.create_and_send(
            referent.actor, case, service, purpose="115", request_token=uuid.uuid4()
        )
        referrals.withdraw(referent.actor, referral)
        sent.append(referral.ref)
        clock.shift(datetime.timedelta(hours=2))
    page = _page(client, referent, case)
    positions = [page.index(ref) for ref in sent]
    assert positions == sorted(positions, reverse=True)
    assert "3 attempts" in page


@pytest.mark.parametrize("part", ["timeline", "participants", "tasks", "contacts", "consents"])
def test_each_part_folds_and_shows_its_count(client, referent, case, part):
    page = _page(client, referent, case)
    assert f'id="{part}" data-testid="fold-{part}"' in page
    if part != "timeline":
        assert f'data-testid="count-{part}">' in page
