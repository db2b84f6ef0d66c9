"""My tasks: the open tasks given to the active organisation, on the cases it sees, soonest
due first, each with the person as this reader may see them. Every line comes from the case's
redaction object (``CaseView.tasks``), the one the case page reads."""

from django.db.models import F
from django.shortcuts import render

from parcours.access.listing import person_labels
from parcours.access.redaction import case_view
from parcours.cases.tasks import open_for

LIMIT = 200


def my_tasks(request):
    actor = request.actor
    tasks = (
        open_for(actor)
        .select_related("case__referent_org", "case__referent_user")
        .order_by(F("due_on").asc(nulls_last=True), "created_at")[:LIMIT]
    )
    tasks = list(tasks)
    cases = {task.case_id: task.case for task in tasks}
    labels = person_labels(actor, cases.values())
    lines = {}
    for case in cases.values():
        lines.update({line.pk: line for line in case_view(request, case).tasks()})
    rows = [(task.case, lines[task.pk], labels[task.case_id]) for task in tasks if task.pk in lines]
    return render(request, "www/cases/tasks.html", {"rows": rows})
