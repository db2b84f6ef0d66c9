"""Who is told what about a referral: the recipient when it arrives or is withdrawn, the sender
when it is answered or expires; the person's consent withdrawn tells the organisation that loses
access. Never a name: the reference and a link."""

import datetime

from django.core import mail
from django.utils import timezone

from parcours.alerts import inbox
from parcours.alerts.notify import send_due
from parcours.referrals import services
from parcours.referrals.deadlines import expire_overdue
from tests.referrals.conftest import send


def _kinds(persona):
    return [n.kind for n in inbox.for_actor(persona.actor)]


def test_the_recipient_is_told_a_referral_arrived(referral, recipient, referent):
    notifications = list(inbox.for_actor(recipient.actor))
    assert [n.kind for n in notifications] == ["referral_received"]
    assert notifications[0].ref == referral.ref
    assert notifications[0].link == f"/orientations/{referral.ref}/"
    assert _kinds(referent) == []


def test_the_email_names_the_referral_not_the_person(referent, recipient, case, service, consent):
    recipient.user.email = "accueil@demo.invalid"
    recipient.user.save()
    referral = send(referent, case, service, shared_groups=["identity", "social"])
    assert mail.outbox == []  # queued: the worker sends it
    assert send_due() == 1
    (message,) = mail.outbox
    assert message.to == ["accueil@demo.invalid"]
    assert referral.ref in message.subject and referral.ref in message.body
    for word in case.person.full_name.split():
        assert word not in message.body


def test_the_sender_is_told_of_each_answer(referral, recipient, referent):
    services.acknowledge(recipient.actor, referral)
    referral.refresh_from_db()
    services.refuse(recipient.actor, referral, "no_place", "", referral.version)
    assert _kinds(referent) == ["referral_refused", "referral_acknowledged"]


def test_acceptance_is_told_to_the_sender(referral, recipient, referent):
    services.accept(recipient.actor, referral, referral.version)
    assert _kinds(referent) == ["referral_accepted"]


def test_expiry_is_told_once(clock, referral, referent):
    clock.shift(datetime.timedelta(days=60))
    expire_overdue(timezone.now())
    clock.shift(datetime.timedelta(minutes=5))  # the worker's next round
    expire_overdue(timezone.now())
    assert _kinds(referent) == ["referral_expired"]


def test_a_withdrawal_is_told_to_the_recipient(referral, recipient, referent):
    services.withdraw(referent.actor, referral)
    assert _kinds(recipient) == ["referral_withdrawn", "referral_received"]


def test_a_withdrawn_consent_is_told_to_the_organisation_that_loses_access(
    referral, recipient, referent, consent
):
    services.accept(recipient.actor, referral, referral.version)
    services.withdraw_consent(referent.actor, consent)
    notification = inbox.for_actor(recipient.actor).first()
    assert notification.kind == "consent_withdrawn"
    assert notification.link == ""  # the case is no longer theirs to open
