"""The organisation directory: public facts about organisations (no personal data)."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.accounts.models import Organisation
from parcours.core.geography import departement_choices
from parcours.core.roles import OrganisationKind


class DirectoryFilterForm(DsfrBaseForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + OrganisationKind.choices
    )
    departement = forms.ChoiceField(
        label=_("Département"), required=False, choices=[("", _("All"))] + departement_choices()
    )


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    organisations = Organisation.objects.filter(active=True).order_by("departement", "name")
    if form.is_valid():
        if form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["departement"]:
            organisations = organisations.filter(departement=form.cleaned_data["departement"])
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "www/directory/list.html", {"form": form, "page": page})
