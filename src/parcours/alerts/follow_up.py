"""Acknowledging and resolving an alert (issue 15, item 2): what people did about it, stored on
its state and journaled. Who may: the members of the organisation that holds the case, and the
coordinators it was escalated to, within their scope (what "my alerts" shows them). Acknowledged,
an alert waits longer before it escalates; resolved, it escalates no further (it stays listed
while its cause remains)."""

from django.db import transaction
from django.utils import timezone

from parcours.access import rules as access
from parcours.access.redaction import case_view
from parcours.access.scopes import visible_cases
from parcours.alerts import rules
from parcours.alerts.models import AlertState
from parcours.audit.enums import Action
from parcours.audit.journal import record


def state_for(actor, pk) -> AlertState | None:
    """The open state ``pk`` if ``actor`` may act on it, else None (the caller answers 404)."""
    state = (
        AlertState.objects.filter(pk=pk, closed_at__isnull=True)
        .filter(case__in=visible_cases(actor).values("pk"))
        .select_related("case")
        .first()
    )
    if state is None or not rules.shown_to(case_view(actor, state.case).groups, state.rule):
        return None  # an alert about a group the reader does not see on the case
    if access.is_coordinator(actor):
        return state if state.escalation >= 1 else None
    return state if state.case.referent_org_id == actor.organisation_id else None


@transaction.atomic
def acknowledge(actor, state: AlertState) -> bool:
    """Mark it seen and taken in hand; False if it already was (nothing changes)."""
    changed = AlertState.objects.filter(pk=state.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=actor.user
    )
    if changed:
        record(actor, Action.ALERT_ACKNOWLEDGE, state.case, reason=state.rule)
    return bool(changed)


@transaction.atomic
def resolve(actor, state: AlertState) -> bool:
    """Mark it dealt with (acknowledged too, if it was not); False if it already was."""
    now = timezone.now()
    changed = AlertState.objects.filter(pk=state.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor.user
    )
    AlertState.objects.filter(pk=state.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor.user
    )
    if changed:
        record(actor, Action.ALERT_RESOLVE, state.case, reason=state.rule)
    return bool(changed)
