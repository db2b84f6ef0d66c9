"""Routes of the case-conference pages (included from parcours.www.urls)."""

from django.urls import path

from parcours.www import conference_views

urlpatterns = [
    path(
        "dossiers/<str:ref>/reunions/nouvelle/",
        conference_views.conference_new,
        name="conference_new",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/",
        conference_views.conference_detail,
        name="conference_detail",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/consentement/",
        conference_views.conference_consent,
        name="conference_consent",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/deroulement/",
        conference_views.conference_record,
        name="conference_record",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/annulation/",
        conference_views.conference_cancel,
        name="conference_cancel",
    ),
    path(
        "dossiers/<str:ref>/reunions/<int:pk>/compte-rendu.pdf",
        conference_views.conference_minutes,
        name="conference_minutes",
    ),
]
