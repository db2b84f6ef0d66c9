"""The manager's page of the organisation's members, and the designation of one member to see
where people sleep. Thin: the rules live in ``parcours.accounts.designation``.

Anybody but a manager of the active organisation, and any membership outside it, answers 404.
Designating is a sensitive act: the manager confirms their password first when they have not
done so in the last minutes (django-allauth's re-authentication; the form is replayed after it).
"""

from allauth.account.decorators import reauthentication_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts import designation
from parcours.www.common.submit import submit
from parcours.www.organisation.forms import LocationDesignationForm


def _manager_or_404(request):
    if not designation.can_manage_members(request.actor):
        raise Http404


def _members_page(request, errors=(), status=200):
    context = {
        "organisation": request.actor.organisation,
        "rows": designation.member_rows(request.actor),
        "errors": errors,
    }
    return render(request, "www/organisation/members.html", context, status=status)


def member_list(request):
    """The organisation's active members: role, designation, security key."""
    _manager_or_404(request)
    return _members_page(request)


@require_POST
def member_location(request, pk):
    """Designate one member to see where people sleep, or withdraw it."""
    _manager_or_404(request)
    membership = designation.members_of(request.actor).filter(pk=pk).first()
    if membership is None:
        raise Http404
    return _designate(request, membership)


@reauthentication_required
def _designate(request, membership):
    form = LocationDesignationForm(request.POST)
    if form.is_valid():
        name = membership.user.display_name()
        if form.cleaned_data["allowed"]:
            success = _(
                "%(name)s may now see where people sleep, where a case shares it. From their "
                "next page on, they must sign in with a security key or passkey."
            ) % {"name": name}
        else:
            success = _("%(name)s no longer sees where people sleep.") % {"name": name}
    else:
        success = ""

    def action(data):
        return designation.designate(request.actor, membership, data["allowed"])

    if submit(request, form, action, success):
        return redirect("organisation_members")
    errors = [str(message) for messages in form.errors.values() for message in messages]
    return _members_page(request, errors, status=400)
