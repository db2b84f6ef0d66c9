"""The case status machine: which moves are allowed, and the log each move writes.

open ──> in safety ──> followed ──> closed ──(reopen)──> open
  └─────────┴──────────────┴──> contact lost ──> (back on new contact)
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.enums import CaseStatus, EventKind
from parcours.cases.models import Case, Transition
from parcours.cases.timeline import add_event
from parcours.core.errors import DomainError, NotAllowed, StaleVersion

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


def move(case: Case, to_status: str, actor, *, reason: str = "", expected_version=None) -> Case:
    """Move ``case`` to ``to_status``; write the transition log, a timeline event and the journal.

    Refuses moves the machine does not allow, actors who may not edit the case, and stale pages
    (``expected_version`` differs from the stored one).
    """
    if not rules.can_edit_case(actor, case):
        raise NotAllowed(_("Only the referent organisation can change the status of this case."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(
                _("This case was changed by someone else meanwhile. Reload the page and try again.")
            )
        return apply_move(locked, to_status, actor, reason=reason)


def apply_move(case: Case, to_status: str, actor, *, reason: str = "", system: bool = False):
    """Apply a move on a case already locked by the caller (used by services and the worker)."""
    if to_status not in CaseStatus.values:
        raise DomainError(_("Unknown status."))
    if to_status not in TRANSITIONS[case.status]:
        raise DomainError(
            _("A case cannot go from “%(from)s” to “%(to)s”.")
            % {"from": CaseStatus(case.status).label, "to": CaseStatus(to_status).label}
        )
    if to_status == S.CLOSED and not reason.strip():
        raise DomainError(_("Say why the case is closed."))
    now = timezone.now()
    previous = case.status
    case.status = to_status
    case.closed_at = now if to_status == S.CLOSED else None
    case.archived_at = None  # a reopened case is active again (retention starts at closure)
    case.version += 1
    case.save(update_fields=["status", "closed_at", "archived_at", "version"])
    by_user = None if system else actor.user
    by_org = None if system else actor.organisation
    Transition.objects.create(
        case=case,
        from_status=previous,
        to_status=to_status,
        at=now,
        by_user=by_user,
        by_org=by_org,
        reason=reason,
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
