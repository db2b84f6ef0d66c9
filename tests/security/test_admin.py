"""The Django admin: non-default path, staff with a second factor only, journaled, no identity.

Its own matrix walks every admin route, so a newly registered model is checked without edits.
"""

import pytest
from django.conf import settings
from django.contrib.admin.sites import all_sites
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours.accounts.admin import site
from parcours.audit.models import JournalEntry
from parcours.core.fields import EncryptedMixin
from tests.conftest import make_persona, sign_in


@pytest.fixture
def staff(db):
    persona = make_persona("staffer")
    persona.user.is_staff = True
    persona.user.is_superuser = True
    persona.user.save()
    return persona


def _admin_routes():
    """(name, needs an object id) for every route of the admin site."""
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
            yield from _walk(pattern.url_patterns, "admin:")


def _walk(patterns, prefix):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, sorted(pattern.pattern.regex.groupindex)


def _url(name, params, staff):
    kwargs = {}
    for param in params:
        if param == "object_id":
            kwargs[param] = (
                staff.actor.organisation.pk
                if "organisation" in name
                else (staff.user.pk if "user" in name else staff.actor.membership.pk)
            )
        elif param == "app_label":
            kwargs[param] = "accounts"
        elif param in ("content_type_id",):
            kwargs[param] = 1
        else:
            return None
    return reverse(name, kwargs=kwargs)


ROUTES = sorted(_admin_routes())


def test_admin_is_not_at_the_default_path(client, staff):
    assert settings.ADMIN_PATH != "admin/"
    sign_in(client, staff)
    assert client.get("/admin/").status_code == 404


@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_admin_matrix(route, client, staff, referent):
    name, params = route
    url = _url(name, params, staff)
    if url is None or name in ("admin:logout", "admin:view_on_site", "admin:autocomplete"):
        pytest.skip(f"{name} takes parameters this matrix does not build")
    # anonymous: sent to the main sign-in (with its second factor), never an admin form
    response = client.get(url)
    assert response.status_code == 302
    assert (
        reverse("account_login") in response["Location"]
        or reverse("admin:login") in (response["Location"])
    )
    # a member who is not staff: refused
    sign_in(client, referent)
    assert client.get(url).status_code in (302, 403)
    client.logout()
    # staff without a second factor in this session, or with TOTP only: refused
    client.force_login(staff.user)
    assert client.get(url).status_code in (302, 403)
    client.logout()
    sign_in(client, staff, factor="totp")
    assert client.get(url).status_code in (302, 403)
    client.logout()
    # staff with a second factor: served
    sign_in(client, staff)
    response = client.get(url)
    assert response.status_code in (200, 302), name
    if "text/html" in response.get("Content-Type", ""):
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_admin_login_form_is_never_shown(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_admin_reads_and_changes_are_journaled(client, staff):
    sign_in(client, staff)
    client.get(reverse("admin:accounts_organisation_changelist"))
    org = staff.actor.organisation
    client.post(
        reverse("admin:accounts_organisation_change", args=[org.pk]),
        {
            "name": "Nouveau nom fictif",
            "kind": org.kind,
            "departement": org.departement,
            "city": "",
            "public_contact": "",
            "active": "on",
        },
    )
    actions = list(JournalEntry.objects.filter(user=staff.user).values_list("action", flat=True))
    assert "admin.view" in actions and "admin.change" in actions
    change = JournalEntry.objects.filter(user=staff.user, action="admin.change").last()
    assert "Name" in change.reason and "Nouveau nom" not in change.reason  # fields, not values
    org.refresh_from_db()
    assert org.name == "Nouveau nom fictif"


def test_no_admin_page_shows_identity_fields():
    """People and cases are not in the admin; no registered model lists an encrypted field."""
    from parcours.cases.models import Case
    from parcours.people.models import Person

    for admin_site in all_sites:
        registry = admin_site._registry
        assert Person not in registry and Case not in registry
        for model, model_admin in registry.items():
            encrypted = {f.name for f in model._meta.fields if isinstance(f, EncryptedMixin)}
            assert not encrypted & set(model_admin.list_display), model
    assert site in all_sites
