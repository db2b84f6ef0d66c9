"""The parts of django-allauth Parcours uses: sign-in, sign-out, re-authentication, password
change and the second factors. No sign-up, no e-mail management, no password reset by e-mail
(an organisation's manager resets passwords; the second factor still applies)."""

from allauth.account import views as account_views
from django.urls import include, path

urlpatterns = [
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("password/change/", account_views.password_change, name="account_change_password"),
    path("2fa/", include("allauth.mfa.urls")),
]
