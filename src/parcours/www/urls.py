"""The screens, by journey: this file only includes each journey's routes. URL names are
global (the permission matrix and the page-wide redaction test walk them by name)."""

from django.urls import include, path

JOURNEYS = (
    "cases",
    "people",
    "referrals",
    "shelter",
    "facilities",
    "coordination",
    "conferences",
    "account",
    "directory",
    "organisation",
    "rights",
    "identification",
    "reporting",
    "alerts",
)

urlpatterns = [
    path("compte/", include("parcours.accounts.urls")),
    *(path("", include(f"parcours.www.{journey}.urls")) for journey in JOURNEYS),
]
