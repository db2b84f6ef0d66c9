"""Sign-in, sign-out, choice of the active organisation, and the health probe."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.middleware import SESSION_KEY


def account(request):
    return render(request, "www/account/account.html")


@require_POST
def sign_out_everywhere(request):
    """End every session of the user, this one included."""
    request.user.sign_out_everywhere()
    logout(request)
    messages.success(request, _("All your sessions are closed."))
    return redirect("account_login")


class SwitchForm(forms.Form):
    membership = forms.IntegerField()
    next = forms.CharField(required=False)


@require_POST
def switch_organisation(request):
    """Act for another of one's organisations (only an active membership of one's own)."""
    form = SwitchForm(request.POST)
    actor = request.actor
    if form.is_valid() and actor is not None:
        wanted = form.cleaned_data["membership"]
        if any(m.pk == wanted for m in actor.memberships):
            request.session[SESSION_KEY] = wanted
        target = form.cleaned_data["next"] or reverse("my_cases")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
    return redirect("my_cases")


@login_not_required
def health(request):
    """For load balancers: answers 'ok' when the database answers. Says nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
