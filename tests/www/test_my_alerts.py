"""My alerts (issue 15, item 5): the alerts of the cases the reader's organisation holds; for a
coordinator, those escalated to her; nobody sees an alert of a case outside their scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from parcours.alerts.worker import run_round
from parcours.shelter.enums import RiskLevel
from parcours.shelter.models import RiskAssessment
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _page(client, persona, language="en"):
    client.cookies["django_language"] = language
    sign_in(client, persona)
    response = client.get(reverse("my_alerts"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def in_danger(case, referent):
    RiskAssessment.objects.create(
        case=case, dangers=["exploiter_nearby"], level=RiskLevel.CRITICAL,
        assessed_at=timezone.now() - datetime.timedelta(hours=30),
        assessed_by=referent.user, by_org=referent.actor.organisation,
    )  # fmt: skip
    return case


def test_the_referent_sees_the_alert_of_her_case_with_the_person(client, referent, in_danger):
    page = _page(client, referent)
    assert 'data-testid="alert-danger_without_shelter"' in page
    assert "In critical danger, still without a safe place" in page
    assert "Without a safe place for more than 24 hours" in page  # the rule's threshold
    assert in_danger.ref in page and in_danger.person.family_name.upper() in page
    french = _page(client, referent, "fr")
    assert "En danger critique, toujours sans lieu sûr" in french
    assert "Sans lieu sûr depuis plus de 24 heures" in french


def test_an_outsider_sees_no_alert_of_a_case_it_does_not_hold(client, outsider, in_danger):
    page = _page(client, outsider)
    assert 'data-testid="no-alert"' in page and in_danger.ref not in page


def test_the_territorial_coordinator_sees_it_once_escalated(client, territorial, in_danger):
    assert in_danger.ref not in _page(client, territorial)  # not escalated yet: the referent's
    run_round()  # critical danger goes to the territorial coordination at once
    page = _page(client, territorial)
    assert in_danger.ref in page
    assert "Escalated to the territorial coordination" in page


def test_the_national_coordinator_sees_no_case_it_cannot_open(client, coordinator, in_danger):
    run_round()
    assert in_danger.ref not in _page(client, coordinator)


def _follow(client, persona, state, action):
    client.cookies["django_language"] = "en"
    sign_in(client, persona)
    return client.post(reverse("alert_follow_up"), {"alert": state.pk, "action": action})


def test_the_referent_acknowledges_then_resolves_and_the_journal_says_so(
    client, referent, in_danger
):
    from parcours.alerts.models import AlertState
    from parcours.audit.models import JournalEntry

    run_round()
    state = AlertState.objects.get(rule="danger_without_shelter")
    assert _follow(client, referent, state, "acknowledge").status_code == 302
    state.refresh_from_db()
    assert state.acknowledged_by == referent.user and state.resolved_at is None
    page = client.get(reverse("my_alerts")).content.decode()
    assert "Acknowledged" in page and 'value="acknowledge"' not in page
    assert _follow(client, referent, state, "resolve").status_code == 302
    state.refresh_from_db()
    assert state.resolved_by == referent.user
    actions = list(
        JournalEntry.objects.filter(action__startswith="alert.", user=referent.user).values_list(
            "action", "object_ref", "reason"
        )
    )
    assert actions == [
        ("alert.acknowledge", in_danger.ref, "danger_without_shelter"),
        ("alert.resolve", in_danger.ref, "danger_without_shelter"),
    ]


def test_nobody_else_acts_on_it_and_nothing_changes(
    client, outsider, participant, territorial, in_danger
):
    from parcours.alerts.models import AlertState

    run_round()
    state = AlertState.objects.get(rule="danger_without_shelter")
    AlertState.objects.filter(pk=state.pk).update(escalation=0)  # not escalated
    for persona in (outsider, participant, territorial):
        assert _follow(client, persona, state, "resolve").status_code == 404
        client.logout()
    state.refresh_from_db()
    assert state.acknowledged_at is None and state.resolved_at is None
    assert _follow(client, territorial, state, "nonsense").status_code == 404


def test_the_coordinator_counts_her_alerts_by_type_and_age(client, territorial, in_danger):
    from parcours.alerts.dashboard import alerts_of, summary

    run_round()
    [row] = summary(alerts_of(territorial.actor))
    with translation.override("en"):
        assert str(row.title) == "In critical danger, still without a safe place"
    assert row.counts == (1, 0, 0, 0)  # open 6 hours: under a day
    page = _page(client, territorial, "fr")
    assert 'data-testid="alerts-summary"' in page and "Moins d’un jour" in page


def test_the_summary_puts_the_rule_with_the_oldest_alert_first():
    import datetime as dt

    from parcours.alerts.dashboard import Line, summary
    from parcours.alerts.rules import Alert

    now = timezone.now()

    def line(rule, days):
        return Line(Alert(rule, 1, "", now - dt.timedelta(days=days)), None, None, rule)

    rows = summary([line("a", 2), line("b", 40), line("a", 0.5), line("b", 10)], now)
    assert [(r.title, r.counts) for r in rows] == [("b", (0, 0, 1, 1)), ("a", (1, 1, 0, 0))]


def test_the_coordinator_is_told_when_the_periodic_work_stopped(client, territorial):
    import io

    from django.core.management import call_command

    from parcours.alerts.models import WorkerHeartbeat

    page = _page(client, territorial)
    assert 'data-testid="worker-stale"' in page and "has never run" in page
    call_command("worker", "--once", stdout=io.StringIO())
    page = _page(client, territorial)
    assert 'data-testid="worker-beat"' in page and "Alerts last checked" in page
    WorkerHeartbeat.objects.update(finished_at=timezone.now() - datetime.timedelta(minutes=16))
    page = _page(client, territorial, "fr")
    assert "Le travail périodique n’a pas tourné depuis le" in page


def test_a_caseworker_is_not_shown_the_worker_state(client, referent):
    page = _page(client, referent)
    assert "worker-stale" not in page and "worker-beat" not in page


# -- the counts in the header ---------------------------------------------------------------------


def _count(page, testid):
    import re

    found = re.search(rf'data-testid="{testid}">([^<]*)<', page)
    return found.group(1) if found else ""


def test_the_header_counts_her_open_alerts_and_tasks(client, referent, territorial, in_danger):
    from parcours.cases.models import Task

    assert _count(_page(client, referent), "alerts-count") == ""  # no round yet: nothing stored
    run_round()
    Task.objects.create(
        case=in_danger, title="Appeler le 115 (fictif)", owner_org=referent.actor.organisation,
        created_by=referent.user, created_at=timezone.now(), due_on=timezone.localdate(),
    )  # fmt: skip
    page = _page(client, referent)
    assert (_count(page, "alerts-count"), _count(page, "tasks-count")) == ("1", "1")
    assert _count(_page(client, territorial), "alerts-count") == "1"  # escalated at once


def test_dealt_with_or_out_of_scope_is_not_counted(client, referent, outsider, in_danger):
    from parcours.alerts import follow_up
    from parcours.alerts.models import AlertState

    run_round()
    assert _count(_page(client, outsider), "alerts-count") == ""
    follow_up.resolve(referent.actor, AlertState.objects.get())
    assert _count(_page(client, referent), "alerts-count") == ""


def test_the_header_count_stops_at_99(client, referent, in_danger, settings):
    from parcours.alerts.models import AlertState

    now = timezone.now()
    AlertState.objects.bulk_create(
        AlertState(rule="task_overdue", case=in_danger, key=str(n), since=now, seen_at=now)
        for n in range(120)
    )
    assert _count(_page(client, referent), "alerts-count") == "99+"


# -- an alert tells about a field group: shown only to who sees it ---------------------------------


@pytest.fixture
def card_expiring(case, referent):
    from parcours.rights import services as rights

    rights.record_fact(
        referent.actor, case, "card_expires_on", timezone.localdate() + datetime.timedelta(days=3)
    )
    return case


def test_an_immigration_alert_stays_with_the_referent_and_never_escalates(
    client, referent, territorial, card_expiring
):
    from parcours.alerts.models import AlertState

    AlertState.objects.all().delete()
    run_round(timezone.now() + datetime.timedelta(days=30))  # long past every delay
    state = AlertState.objects.get(rule="card_expiring")
    assert state.escalation == 0  # the coordination does not see immigration
    assert 'data-testid="alert-card_expiring"' in _page(client, referent)


def test_a_coordinator_is_not_shown_an_alert_of_a_group_she_does_not_see(
    client, referent, territorial, card_expiring
):
    from parcours.alerts.models import AlertState

    run_round()
    AlertState.objects.filter(rule="card_expiring").update(escalation=1)  # forced, as if
    page = _page(client, territorial)
    assert 'data-testid="alert-card_expiring"' not in page
    assert _count(page, "alerts-count") == ""
    state = AlertState.objects.get(rule="card_expiring")
    sign_in(client, territorial)
    answer = client.post(reverse("alert_follow_up"), {"alert": state.pk, "action": "resolve"})
    assert answer.status_code == 404
    state.refresh_from_db()
    assert state.resolved_at is None
