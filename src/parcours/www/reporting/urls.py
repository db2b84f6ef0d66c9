"""Routes of the reporting journey: the public page (no account) and the territorial
coordinator's triage."""

from django.urls import path

from parcours.www.reporting import views

urlpatterns = [
    path("signalement/", views.report_new, name="report_new"),
    path("signalement/recu/<str:token>/", views.report_receipt, name="report_receipt"),
    path("coordination/signalements/", views.report_queue, name="report_queue"),
    path("coordination/signalements/<int:pk>/", views.report_detail, name="report_detail"),
    path(
        "coordination/signalements/<int:pk>/dossier/",
        views.report_open_case,
        name="report_open_case",
    ),
    path("coordination/signalements/<int:pk>/classer/", views.report_close, name="report_close"),
]
