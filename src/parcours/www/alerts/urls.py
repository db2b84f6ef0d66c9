"""Routes of the alerts."""

from django.urls import path

from parcours.www.alerts import views

urlpatterns = [
    path("alertes/", views.my_alerts, name="my_alerts"),
]
