"""Escalation of alerts left alone (issue 15, item 3): a worker step over the open, unresolved
alert states. An alert goes to the territorial coordination of the case's département when it
stays unacknowledged ``territorial_hours`` after it opened, or unresolved ``national_hours``;
then to the national coordination when it stays unresolved ``national_hours`` after that
(``rules.threshold``). One level per round at most; each step is journaled and notified once
(the notification's key is the state's and the level's), in the same transaction as the level
it records.

An escalation tells a coordination that a case needs it; it never opens the case to it. What
the coordinator then sees of the case is what the scope and the redaction object give her;
outside her scope, break-glass remains the only way.
"""

import datetime

from django.db import transaction

from parcours.accounts.models import Organisation
from parcours.alerts import rules
from parcours.alerts.models import AlertState
from parcours.alerts.notify import notify
from parcours.alerts.rules import threshold
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.groups import COORDINATION_GROUPS, ROLE_GROUP_CAP
from parcours.core.roles import OrganisationKind, Role

TERRITORIAL, NATIONAL = 1, 2


def due_level(state: AlertState, now: datetime.datetime) -> int:
    """The level the state should be at now (never lower than it is)."""
    limits = threshold(state.rule)
    territorial = datetime.timedelta(hours=limits["territorial_hours"])
    national = datetime.timedelta(hours=limits["national_hours"])
    level = state.escalation
    if state.resolved_at is not None:
        return level
    age = now - state.since
    if level == 0 and ((state.acknowledged_at is None and age >= territorial) or age >= national):
        return TERRITORIAL
    if level == TERRITORIAL and now - state.escalated_at >= national:
        return NATIONAL
    return level


def _recipients(case, level: int) -> list[Organisation]:
    coordinations = Organisation.objects.filter(active=True)
    if level == TERRITORIAL:
        local = list(
            coordinations.filter(
                kind=OrganisationKind.TERRITORIAL_COORDINATOR,
                departement=case.referent_org.departement,
            )
        )
        if local:
            return local
    return list(coordinations.filter(kind=OrganisationKind.NATIONAL_COORDINATOR))


def escalated_codes() -> list[str]:
    """The rules whose alerts escalate: those a coordinator may be shown, her role's groups
    within the coordination's (a residence card expiring, immigration, or a reflection period
    ending, justice, stays with the organisation that holds the case: an escalation never
    widens what anyone sees)."""
    return rules.codes_shown_to(ROLE_GROUP_CAP[Role.COORDINATOR] & COORDINATION_GROUPS)


def escalate(now: datetime.datetime) -> int:
    """Move every state due a level up; how many moved."""
    candidates = AlertState.objects.filter(
        closed_at__isnull=True,
        resolved_at__isnull=True,
        escalation__lt=NATIONAL,
        rule__in=escalated_codes(),
    ).select_related("case__referent_org")
    moved = 0
    for state in candidates:
        level = due_level(state, now)
        if level == state.escalation:
            continue
        with transaction.atomic():
            locked = AlertState.objects.select_for_update().get(pk=state.pk)
            if locked.escalation >= level or locked.closed_at or locked.resolved_at:
                continue  # another worker, or a person, was quicker
            hours = int((now - locked.since).total_seconds() // 3600)
            case = state.case
            for organisation in _recipients(case, level):
                notify(
                    "alert_escalated",
                    organisation,
                    ref=case.ref,
                    link=f"/dossiers/{case.ref}/",
                    params={"hours": hours},
                    dedup_key=f"alert_escalated:{locked.pk}:{level}:{organisation.pk}",
                )
            record(None, Action.ALERT_ESCALATE, case, reason=f"{locked.rule}:{level}")
            locked.escalation, locked.escalated_at = level, now
            locked.save(update_fields=["escalation", "escalated_at"])
            moved += 1
    return moved
