"""Break-glass: a written reason, a time limit, the journal, the timeline and the referent told."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from parcours.access import breakglass, rules
from parcours.access.scopes import visible_cases
from parcours.alerts.notify import send_due
from parcours.audit.models import JournalEntry
from parcours.cases.models import BreakGlassGrant
from parcours.core.errors import DomainError, NotAllowed
from tests import personas
from tests.conftest import sign_in

REASON = "Appel de la gendarmerie : la personne est signalée en danger immédiat ce soir."


def test_coordinator_opens_a_case_with_a_reason(case, coordinator, referent):
    referent.user.email = "referent@demo.invalid"
    referent.user.save()
    grant = breakglass.open_case(coordinator.actor, case.ref, REASON)
    assert case in visible_cases(coordinator.actor)
    assert rules.groups_for(coordinator.actor, case)
    assert grant.expires_at - grant.granted_at == datetime.timedelta(hours=3)
    entry = JournalEntry.objects.filter(action="case.break_glass").get()
    assert entry.reason == REASON and entry.user == coordinator.user
    assert case.events.filter(kind="break_glass").exists()
    assert mail.outbox == []  # queued: the worker sends it
    assert send_due() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["referent@demo.invalid"]
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert (
        case.ref in body and "Amadou" not in body and "Fictif" not in body and "FICTIF" not in body
    )


def test_access_ends_when_the_grant_expires(clock, case, coordinator):
    from parcours.cases.models import Case

    breakglass.open_case(coordinator.actor, case.ref, REASON)
    clock.shift(datetime.timedelta(hours=3) - datetime.timedelta(minutes=1))
    assert case in visible_cases(coordinator.actor)
    assert rules.can_view_case(coordinator.actor, Case.objects.get(pk=case.pk))
    clock.shift(datetime.timedelta(minutes=2))  # three hours and a minute after it was opened
    assert case not in visible_cases(coordinator.actor)
    assert not rules.can_view_case(coordinator.actor, Case.objects.get(pk=case.pk))


@pytest.mark.parametrize("reason", ["", "urgent", "x" * 29])
def test_a_real_reason_is_required(case, coordinator, reason):
    with pytest.raises(DomainError):
        breakglass.open_case(coordinator.actor, case.ref, reason)
    assert not BreakGlassGrant.objects.exists()


def test_only_coordinators_break_glass(case, outsider, participant):
    for persona in (outsider, participant):
        with pytest.raises(NotAllowed):
            breakglass.open_case(persona.actor, case.ref, REASON)


def test_unknown_reference_is_said(coordinator, db):
    with pytest.raises(DomainError, match="Aucun dossier|No case"):
        breakglass.open_case(coordinator.actor, "C-0000-00", REASON)


def test_territorial_coordinator_needs_it_outside_its_departement(case, db):
    elsewhere = personas.territorial("coord69", dep="69")
    assert case not in visible_cases(elsewhere.actor)
    breakglass.open_case(elsewhere.actor, case.ref, REASON)
    assert case in visible_cases(elsewhere.actor)


def test_break_glass_page(client, coordinator, case):
    sign_in(client, coordinator)
    assert client.get(reverse("case_detail", kwargs={"ref": case.ref})).status_code == 404
    short = client.post(reverse("break_glass"), {"ref": case.ref, "reason": "vite"})
    assert short.status_code == 200 and "au moins 30 caractères" in short.content.decode()
    response = client.post(
        reverse("break_glass"), {"ref": case.ref, "reason": REASON, "step": "confirm"}
    )
    assert response["Location"] == reverse("case_detail", kwargs={"ref": case.ref})
    assert client.get(response["Location"]).status_code == 200


def test_referent_sees_the_reason_on_the_timeline(client, coordinator, referent, case):
    breakglass.open_case(coordinator.actor, case.ref, REASON)
    sign_in(client, referent)
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert REASON in page and coordinator.actor.organisation.name in page


def test_a_failed_notification_keeps_the_access_and_stays_pending(
    case, coordinator, referent, settings, caplog
):
    referent.user.email = "referent@demo.invalid"
    referent.user.save()
    settings.EMAIL_BACKEND = "tests.access.failing_mail.Backend"
    breakglass.open_case(coordinator.actor, case.ref, REASON)
    assert send_due() == 0  # the worker's attempt: the server is down
    assert case in visible_cases(coordinator.actor)
    from parcours.alerts.models import OutboxEmail

    email = OutboxEmail.objects.get(to="referent@demo.invalid")
    assert (email.status, email.attempts) == ("pending", 1)
    assert email.last_error == "ConnectionRefusedError"
    assert "not sent" in caplog.text
    assert "Amadou" not in caplog.text and "Amadou" not in email.body
