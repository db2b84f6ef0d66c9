import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.audit.models import JournalEntry
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from parcours.referrals import lifecycle, services
from parcours.referrals.enums import ReferralStatus as S
from parcours.referrals.models import Referral
from tests import personas
from tests.conftest import make_persona
from tests.tables import statuses, transitions

# The expected machine, written out (not read from ``lifecycle.TRANSITIONS``): a wrong table in
# the code fails here. Row: from; columns: to. Answered, expired and withdrawn are final.
EXPECTED = """
              draft  sent  acknowledged  accepted  refused  expired  withdrawn
draft           -     x         -           -         -        -         x
sent            -     -         x           x         x        x         x
acknowledged    -     -         -           x         x        x         x
accepted        -     -         -           -         -        -         -
refused         -     -         -           -         -        -         -
expired         -     -         -           -         -        -         -
withdrawn       -     -         -           -         -        -         -
"""


ALLOWED = sorted(transitions(EXPECTED))
FORBIDDEN = sorted(
    (a, b) for a in S.values for b in S.values if (a, b) not in transitions(EXPECTED)
)


def test_the_table_names_every_status():
    assert statuses(EXPECTED) == (set(S.values), set(S.values))


def _put(referral, status):
    Referral.objects.filter(pk=referral.pk).update(
        status=status,
        refusal_code="no_place" if status == S.REFUSED else "",
        sent_at=None if status == S.DRAFT else timezone.now(),
    )
    referral.refresh_from_db()


def _go(target, referral, referent, recipient):
    """Move through the service a user would use (the machine itself for draft and expiry)."""
    if target == S.SENT:
        return services.send(referent.actor, referral)
    if target == S.ACKNOWLEDGED:
        return services.acknowledge(recipient.actor, referral)
    if target == S.ACCEPTED:
        return services.accept(recipient.actor, referral, referral.version)
    if target == S.REFUSED:
        return services.refuse(recipient.actor, referral, "no_place", "", referral.version)
    if target == S.WITHDRAWN:
        return services.withdraw(referent.actor, referral)
    return lifecycle.move(referral, target, None, system=True)


@pytest.mark.parametrize("start,target", ALLOWED)
def test_every_allowed_move_is_logged_and_journaled(start, target, referral, referent, recipient):
    _put(referral, start)
    before = referral.transitions.count()
    _go(target, referral, referent, recipient)
    referral.refresh_from_db()
    assert referral.status == target
    last = referral.transitions.last()
    assert (referral.transitions.count(), last.from_status, last.to_status) == (
        before + 1,
        start,
        target,
    )
    assert JournalEntry.objects.filter(
        action="referral.status", related_ref=referral.ref, object_ref=referral.case.ref
    ).exists()
    assert (referral.answered_at is not None) == (target in {S.ACCEPTED, S.REFUSED})


@pytest.mark.parametrize("start,target", FORBIDDEN)
def test_forbidden_moves_change_nothing(start, target, referral, referent, recipient):
    _put(referral, start)
    before = referral.transitions.count()
    with pytest.raises(DomainError):
        _go(target, referral, referent, recipient)
    referral.refresh_from_db()
    assert referral.status == start
    assert referral.transitions.count() == before


def test_final_states_have_no_way_out():
    assert lifecycle.FINAL == {S.ACCEPTED, S.REFUSED, S.EXPIRED, S.WITHDRAWN}


def test_second_answer_is_told_it_was_already_answered(referral, recipient, case):
    version = referral.version
    services.accept(recipient.actor, referral, version)
    colleague = personas.colleague(recipient, "colleague")
    with pytest.raises(lifecycle.AlreadyAnswered):
        services.refuse(colleague.actor, referral, "no_place", "", version)
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED and referral.refusal_code == ""
    assert case.participants.filter(organisation=recipient.actor.organisation).count() == 1


def test_a_stale_page_is_refused(referral, recipient):
    version = referral.version
    services.acknowledge(recipient.actor, referral)
    with pytest.raises(StaleVersion):
        services.accept(recipient.actor, referral, version)
    referral.refresh_from_db()
    assert referral.status == S.ACKNOWLEDGED


def test_only_the_recipient_answers(referral, referent, participant, outsider, coordinator, db):
    staff = make_persona(
        "staff", organisation=referral.to_org, role="facility_staff", may_reveal_location=True
    )
    for persona in (referent, participant, outsider, coordinator, staff):
        with pytest.raises(NotAllowed):
            services.accept(persona.actor, referral, referral.version)
        with pytest.raises(NotAllowed):
            services.refuse(persona.actor, referral, "no_place", "", referral.version)
        with pytest.raises(NotAllowed):
            services.acknowledge(persona.actor, referral)
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_only_the_referrer_withdraws(referral, recipient, participant, coordinator):
    for persona in (recipient, participant, coordinator):
        with pytest.raises(NotAllowed):
            services.withdraw(persona.actor, referral)


def test_database_refuses_a_refusal_without_code(referral):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=S.REFUSED)


def test_database_refuses_a_legal_basis_without_its_name(referral):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(basis="legal", legal_basis="")
