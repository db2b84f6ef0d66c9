"""The directory: the services organisations offer, with what each states it asks for, and the
organisations themselves (public facts, no personal data)."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.accounts.models import Organisation
from parcours.core.geography import departement_choices
from parcours.core.roles import OrganisationKind
from parcours.referrals.directory import directory_search
from parcours.referrals.enums import ServiceKind

PAGE_SIZE = 50


class DirectoryFilterForm(DsfrBaseForm):
    service_kind = forms.ChoiceField(
        label=_("Kind of service"), required=False, choices=[("", _("All"))] + ServiceKind.choices
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", _("All"))] + OrganisationKind.choices,
    )
    departement = forms.ChoiceField(
        label=_("Département"), required=False, choices=[("", _("All"))] + departement_choices()
    )


def directory(request):
    """Services (of a kind, serving a département: national ones serve every département) and
    organisations (of a kind, based in a département), each list filtered by what applies to it.
    An unknown filter value shows the form's message and the unfiltered lists."""
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    departement = filters.get("departement") or None
    services = directory_search(filters.get("service_kind") or None, departement).order_by(
        "kind", "name", "pk"
    )
    organisations = Organisation.objects.filter(active=True).order_by("departement", "name")
    if filters.get("kind"):
        organisations = organisations.filter(kind=filters["kind"])
    if departement:
        organisations = organisations.filter(departement=departement)
    context = {
        "form": form,
        "services": Paginator(services, PAGE_SIZE).get_page(request.GET.get("services_page")),
        "page": Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "www/directory/list.html", context)
