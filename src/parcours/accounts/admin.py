"""Django admin, for staff only: on a non-default path, behind the second factor, journaled,
and with no personal data of the people followed (Person and cases are not registered)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Membership, Organisation, User


class ParcoursAdminSite(admin.AdminSite):
    site_header = _("Parcours administration")
    site_title = _("Parcours administration")
    index_title = _("Organisations and accounts")

    def has_permission(self, request):
        """Active staff who signed in with a security key or passkey in this session: the admin
        grants memberships, including the right to see where people are."""
        from allauth.mfa.models import Authenticator

        from parcours.accounts.mfa import WEBAUTHN, session_factors

        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        authenticators = list(Authenticator.objects.filter(user=user).only("type", "created_at"))
        return WEBAUTHN in session_factors(request, authenticators)

    def login(self, request, extra_context=None):
        """No second sign-in form that would skip the second factor: use the main one."""
        target = request.GET.get("next") or reverse(f"{self.name}:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


site = ParcoursAdminSite(name="admin")


class JournaledAdmin(admin.ModelAdmin):
    """Every admin page read and every change goes to the journal."""

    def _journal(self, request, action, object_id=None):
        from parcours.audit.journal import record

        record(
            getattr(request, "actor", None),
            action,
            user=request.user,
            reason=f"{self.model._meta.label}:{object_id or ''}",
        )

    def log_change(self, request, obj, message):
        """What changed (field names, never values) goes to the journal too."""
        import json

        from parcours.audit.enums import Action

        self._journal(request, Action.ADMIN_CHANGE, f"{obj.pk}:{json.dumps(message)[:500]}")
        return super().log_change(request, obj, message)

    def changelist_view(self, request, extra_context=None):
        from parcours.audit.enums import Action

        self._journal(request, Action.ADMIN_VIEW)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        from parcours.audit.enums import Action

        action = Action.ADMIN_CHANGE if request.method == "POST" else Action.ADMIN_VIEW
        self._journal(request, action, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        from parcours.audit.enums import Action

        self._journal(request, Action.ADMIN_CHANGE, object_id)
        return super().delete_view(request, object_id, extra_context)


@admin.register(Organisation, site=site)
class OrganisationAdmin(JournaledAdmin):
    list_display = ("name", "kind", "departement", "city", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "city")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("organisation", "role", "may_reveal_location", "active", "ended_at")
    autocomplete_fields = ("organisation",)


@admin.register(User, site=site)
class ParcoursUserAdmin(JournaledAdmin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff")
    inlines = [MembershipInline]


@admin.register(Membership, site=site)
class MembershipAdmin(JournaledAdmin):
    list_display = ("user", "organisation", "role", "may_reveal_location", "active")
    list_filter = ("role", "active", "may_reveal_location")
    autocomplete_fields = ("user", "organisation")
    search_fields = ("user__username", "organisation__name")


ADMIN_PATH = settings.ADMIN_PATH
