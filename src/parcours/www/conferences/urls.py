"""Routes of the case-conference pages."""

from django.urls import path

from parcours.www.conferences import views

urlpatterns = [
    path(
        "dossiers/<str:ref>/reunions/nouvelle/",
        views.conference_new,
        name="conference_new",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/",
        views.conference_detail,
        name="conference_detail",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/consentement/",
        views.conference_consent,
        name="conference_consent",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/deroulement/",
        views.conference_record,
        name="conference_record",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/annulation/",
        views.conference_cancel,
        name="conference_cancel",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/compte-rendu.pdf",
        views.conference_minutes,
        name="conference_minutes",
    ),
]
