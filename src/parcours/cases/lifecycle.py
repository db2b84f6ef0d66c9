"""The case status machine: which moves are allowed, and the log each move writes.

open ──> in safety ──> followed ──> closed ──(reopen)──> open
  └─────────┴──────────────┴──> contact lost ──> (back on new contact)
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.enums import CaseStatus, EventKind
from parcours.cases.models import Case, Transition
from parcours.cases.timeline import add_event
from parcours.core import concurrency, workflow
from parcours.core.errors import DomainError, NotAllowed

S = CaseStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.IN_SAFETY, S.FOLLOWED, S.CONTACT_LOST, S.CLOSED}),
    S.IN_SAFETY: frozenset({S.FOLLOWED, S.CONTACT_LOST, S.CLOSED}),
    S.FOLLOWED: frozenset({S.IN_SAFETY, S.CONTACT_LOST, S.CLOSED}),
    S.CONTACT_LOST: frozenset({S.FOLLOWED, S.IN_SAFETY, S.CLOSED}),
    S.CLOSED: frozenset({S.OPEN}),
}


def allowed_targets(case: Case) -> list[str]:
    return [status for status in CaseStatus.values if status in TRANSITIONS[case.status]]


STALE = gettext_lazy(
    "This case was changed by someone else meanwhile. Reload the page and try again."
)


def move(case: Case, to_status: str, actor, *, reason: str = "", expected_version=None) -> Case:
    """Move ``case`` to ``to_status``; write the transition log, a timeline event and the journal.

    Refuses moves the machine does not allow, actors who may not edit the case, and stale pages
    (``expected_version`` differs from the stored one).
    """
    if not rules.can_edit_case(actor, case):
        raise NotAllowed(_("Only the referent organisation can change the status of this case."))
    with transaction.atomic():
        locked = concurrency.lock(Case.objects, case.pk, expected_version, stale=STALE)
        return apply_move(locked, to_status, actor, reason=reason)


def apply_move(case: Case, to_status: str, actor, *, reason: str = "", system: bool = False):
    """Apply a move on a case already locked by the caller (used by services and the worker)."""
    if to_status not in CaseStatus.values:
        raise DomainError(_("Unknown status."))
    workflow.refuse_unless_allowed(
        TRANSITIONS,
        case.status,
        to_status,
        _("A case cannot go from “%(from)s” to “%(to)s”.")
        % {"from": CaseStatus(case.status).label, "to": CaseStatus(to_status).label},
    )
    if to_status == S.CLOSED and not reason.strip():
        raise DomainError(_("Say why the case is closed."))
    now = timezone.now()
    previous = workflow.move(
        case,
        to_status,
        log=Transition,
        subject="case",
        actor=actor,
        system=system,
        note=reason,
        note_field="reason",
        at=now,
        changes={
            "closed_at": now if to_status == S.CLOSED else None,
            # a reopened case is active again (retention starts at closure)
            "archived_at": None,
        },
    )
    add_event(
        case,
        actor,
        EventKind.STATUS,
        at=now,
        system=system,
        data={"from": previous, "to": to_status},
    )
    record(None if system else actor, Action.CHANGE_STATUS, case, reason=reason)
    return case
