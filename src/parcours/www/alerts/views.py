"""My alerts: the open alerts of the cases the reader answers for (``alerts.dashboard``), with
the person as this reader may see them (``access.listing.person_labels``)."""

from django.shortcuts import render

from parcours.access.listing import person_labels
from parcours.access.rules import is_coordinator
from parcours.alerts.dashboard import alerts_of


def my_alerts(request):
    lines = alerts_of(request.actor)
    labels = person_labels(request.actor, {line.case.pk: line.case for line in lines}.values())
    rows = [(line, labels[line.case.pk]) for line in lines]
    context = {"rows": rows, "coordinator": is_coordinator(request.actor)}
    return render(request, "www/alerts/list.html", context)
