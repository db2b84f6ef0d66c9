"""Two answers at the same moment, on real row locks (PostgreSQL; SQLite has none)."""

import threading

import pytest
from django.db import connection

from parcours.core.errors import DomainError
from parcours.referrals import services
from parcours.referrals.enums import ReferralStatus as S
from tests import personas

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def test_two_answers_at_once_one_wins_the_other_is_told(
    journal_flushable, referral, recipient, case
):
    colleague = personas.colleague(recipient, "colleague")
    version = referral.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def answer(name, call):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            call()
            outcomes[name] = "done"
        except DomainError as error:
            outcomes[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=answer,
            args=("accept", lambda: services.accept(recipient.actor, referral, version)),
        ),
        threading.Thread(
            target=answer,
            args=(
                "refuse",
                lambda: services.refuse(colleague.actor, referral, "no_place", "", version),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o == "done" for o in outcomes.values()) == [False, True], outcomes
    loser = next(o for o in outcomes.values() if o != "done")
    assert "already answered" in loser.message or "déjà" in loser.message
    referral.refresh_from_db()
    assert referral.status in {S.ACCEPTED, S.REFUSED}
    assert referral.transitions.filter(to_status__in=[S.ACCEPTED, S.REFUSED]).count() == 1
    joined = case.participants.filter(organisation=recipient.actor.organisation).count()
    assert joined == (1 if referral.status == S.ACCEPTED else 0)
