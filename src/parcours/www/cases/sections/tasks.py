"""Tasks (social group), their owners named by the redaction object, and the task form."""

from parcours.cases.tasks import can_add_task
from parcours.www.cases.forms import TaskForm


def context(view, forms) -> dict:
    task_form = forms.get("task_form")
    if task_form is None and can_add_task(view.actor, view.case):
        task_form = TaskForm(case=view.case, groups=view.groups)
    return {"tasks": view.tasks(), "task_form": task_form}
