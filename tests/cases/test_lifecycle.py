import pytest
from django.db import IntegrityError, transaction

from parcours.audit.models import JournalEntry
from parcours.cases import lifecycle
from parcours.cases.enums import CaseStatus as S
from parcours.cases.models import Case
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from tests.tables import statuses, transitions

# The expected machine, written out (not read from ``lifecycle.TRANSITIONS``): a wrong table in
# the code fails here. Row: from; columns: to (open, in_safety, followed, contact_lost, closed).
EXPECTED = """
                open  in_safety  followed  contact_lost  closed
open             -        x         x           x          x
in_safety        -        -         x           x          x
followed         -        x         -           x          x
contact_lost     -        x         x           -          x
closed           x        -         -           -          -
"""


ALLOWED = sorted(transitions(EXPECTED))
FORBIDDEN = sorted(
    (a, b) for a in S.values for b in S.values if (a, b) not in transitions(EXPECTED)
)


def test_the_table_names_every_status():
    assert statuses(EXPECTED) == (set(S.values), set(S.values))


def _put(case, status):
    Case.objects.filter(pk=case.pk).update(
        status=status, closed_at=case.opened_at if status == S.CLOSED else None
    )
    case.refresh_from_db()


@pytest.mark.parametrize("start,target", ALLOWED)
def test_every_allowed_move_is_logged(start, target, case, referent):
    _put(case, start)
    before = case.transitions.count()
    lifecycle.move(case, target, referent.actor, reason="raison")
    case.refresh_from_db()
    assert case.status == target
    assert (case.closed_at is not None) == (target == S.CLOSED)
    last = case.transitions.last()
    assert (case.transitions.count(), last.from_status, last.to_status) == (
        before + 1,
        start,
        target,
    )
    assert last.by_org == referent.actor.organisation and last.reason == "raison"
    assert JournalEntry.objects.filter(action="case.status", object_ref=case.ref).exists()


@pytest.mark.parametrize("start,target", FORBIDDEN)
def test_forbidden_moves_change_nothing(start, target, case, referent):
    _put(case, start)
    with pytest.raises(DomainError):
        lifecycle.move(case, target, referent.actor, reason="raison")
    case.refresh_from_db()
    assert case.status == start


def test_closing_needs_a_reason(case, referent):
    with pytest.raises(DomainError, match="motif"):
        lifecycle.move(case, S.CLOSED, referent.actor, reason="  ")


def test_reopen_after_close(case, referent):
    lifecycle.move(case, S.CLOSED, referent.actor, reason="Parti dans un autre pays")
    lifecycle.move(case, S.OPEN, referent.actor)
    case.refresh_from_db()
    assert case.status == S.OPEN and case.closed_at is None


def test_only_the_referent_moves_the_case(case, participant, coordinator):
    for persona in (participant, coordinator):
        with pytest.raises(NotAllowed):
            lifecycle.move(case, S.FOLLOWED, persona.actor)


def test_a_stale_page_is_refused(case, referent):
    version = case.version
    lifecycle.move(case, S.FOLLOWED, referent.actor, expected_version=version)
    with pytest.raises(StaleVersion):
        lifecycle.move(case, S.IN_SAFETY, referent.actor, expected_version=version)


def test_database_refuses_a_closed_case_without_date(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=S.CLOSED, closed_at=None)


def test_reopening_an_archived_case_makes_it_active_again(case, referent):
    from django.utils import timezone

    lifecycle.move(case, S.CLOSED, referent.actor, reason="Fin d'accompagnement")
    Case.objects.filter(pk=case.pk).update(archived_at=timezone.now())
    case.refresh_from_db()
    lifecycle.move(case, S.OPEN, referent.actor)
    case.refresh_from_db()
    assert case.status == S.OPEN and case.archived_at is None
