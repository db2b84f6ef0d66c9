"""Routes of the alerts."""

from django.urls import path

from parcours.www.alerts import views

urlpatterns = [
    path("alertes/", views.my_alerts, name="my_alerts"),
    path("alertes/suite/", views.alert_follow_up, name="alert_follow_up"),
]
