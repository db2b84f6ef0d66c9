"""Tasks of a pathway: who must do what by when. Journaled; visible with the social group."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.models import Case, Task
from parcours.core import dates
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup


def can_add_task(actor, case) -> bool:
    """The referent's caseworkers and managers, and participants' members who log contacts."""
    return rules.can_log_contact(actor, case) and FieldGroup.SOCIAL in rules.groups_for(actor, case)


def can_close_task(actor, task) -> bool:
    """The organisation that owns the task (any of its members who see the case: a conference
    may give a task to the gendarmerie, which does not see the social group), or the referent."""
    if actor is None or actor.membership is None:
        return False
    if rules.can_edit_case(actor, task.case):
        return True
    return actor.organisation_id == task.owner_org_id and rules.can_view_case(actor, task.case)


def owner_choices(case: Case, groups=None):
    """The referent and the active participants: a task goes to someone in the pathway. The
    host shelter is offered only to those who see the location (its name says where she is)."""
    from parcours.accounts.models import Organisation
    from parcours.cases.enums import ParticipantRole

    participants = case.participants.filter(active=True)
    if groups is not None and FieldGroup.LOCATION not in groups:
        participants = participants.exclude(role=ParticipantRole.SHELTER)
    ids = [case.referent_org_id, *participants.values_list("organisation_id", flat=True)]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def add_task(actor, case: Case, *, title: str, owner_org, due_on=None) -> Task:
    if not can_add_task(actor, case):
        raise NotAllowed(_("You cannot add tasks to this case."))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Say what has to be done."))
    if not owner_choices(case, rules.groups_for(actor, case)).filter(pk=owner_org.pk).exists():
        raise DomainError(_("A task goes to the referent or to an organisation taking part."))
    check_due_on(due_on)
    return create_task(actor, case, title=title, owner_org=owner_org, due_on=due_on)


def check_due_on(due_on) -> None:
    if due_on is not None and due_on < timezone.localdate() - datetime.timedelta(days=1):
        raise DomainError(_("The due date is already past."))
    if due_on is not None:
        dates.ensure(due_on, dates.PLANNED)


def create_task(actor, case: Case, *, title: str, owner_org, due_on=None, at=None) -> Task:
    """Write the task and journal it; the caller has checked who may give it to whom (a task
    added on the case page, or a case conference's decision)."""
    with transaction.atomic():
        task = Task.objects.create(
            case=case,
            title=title,
            owner_org=owner_org,
            due_on=due_on,
            created_at=at or timezone.now(),
            created_by=actor.user,
        )
        record(actor, Action.ADD_TASK, case, groups=[FieldGroup.SOCIAL])
    return task


def close_task(actor, task: Task, *, status: str = Task.Status.DONE) -> Task:
    if not can_close_task(actor, task):
        raise NotAllowed(_("Only the organisation in charge or the referent can close this task."))
    if status not in (Task.Status.DONE, Task.Status.CANCELLED):
        raise DomainError(_("Unknown status."))
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.status != Task.Status.OPEN:
            return locked  # already closed (double click, or someone else): nothing to do
        locked.status = status
        locked.done_at = timezone.now()
        locked.done_by = actor.user
        locked.save(update_fields=["status", "done_at", "done_by"])
        record(actor, Action.CLOSE_TASK, task.case, groups=[FieldGroup.SOCIAL])
    return locked


def open_for(actor):
    """The open tasks given to the actor's organisation on the cases it sees ("my tasks")."""
    from parcours.access.scopes import visible_cases

    return Task.objects.filter(
        owner_org_id=actor.organisation_id,
        status=Task.Status.OPEN,
        case__in=visible_cases(actor).values("pk"),
    )
