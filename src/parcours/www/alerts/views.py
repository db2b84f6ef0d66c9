"""My alerts: the open alerts of the cases the reader answers for (``alerts.dashboard``), with
the person as this reader may see them (``access.listing.person_labels``); acknowledging and
resolving one (``alerts.follow_up``)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.access.listing import person_labels
from parcours.access.rules import is_coordinator
from parcours.alerts import follow_up, worker
from parcours.alerts.dashboard import alerts_of, summary


def my_alerts(request):
    lines = alerts_of(request.actor)
    labels = person_labels(request.actor, {line.case.pk: line.case for line in lines}.values())
    rows = [(line, labels[line.case.pk]) for line in lines]
    coordinator = is_coordinator(request.actor)
    context = {"rows": rows, "coordinator": coordinator}
    if coordinator and lines:
        context["summary"] = summary(lines)
    if coordinator:  # whether the periodic work (escalation) is alive
        beat = worker.latest_beat()
        context["worker_beat"] = beat
        context["worker_stale"] = beat is None or timezone.now() - beat.finished_at > (
            worker.STALE_AFTER
        )
    return render(request, "www/alerts/list.html", context)


class FollowUpForm(forms.Form):
    alert = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("acknowledge", ""), ("resolve", "")])


@require_POST
def alert_follow_up(request):
    """Acknowledge or resolve an alert the reader is shown; any other gets 404."""
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        raise Http404
    state = follow_up.state_for(request.actor, form.cleaned_data["alert"])
    if state is None:
        raise Http404
    if form.cleaned_data["action"] == "resolve":
        follow_up.resolve(request.actor, state)
        messages.success(request, _("Alert marked as dealt with."))
    else:
        follow_up.acknowledge(request.actor, state)
        messages.success(request, _("Alert acknowledged."))
    return redirect("my_alerts")
