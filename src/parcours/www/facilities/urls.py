"""Routes of the facility staff's pages."""

from django.urls import path

from parcours.www.facilities import views

urlpatterns = [
    path("hebergement/etablissements/", views.facility_list, name="facility_list"),
    path(
        "hebergement/etablissements/<int:pk>/disponibilites/",
        views.facility_availability,
        name="facility_availability",
    ),
    path("hebergement/propositions/", views.placement_inbox, name="placement_inbox"),
    path(
        "hebergement/propositions/<int:pk>/reponse/",
        views.placement_answer,
        name="placement_answer",
    ),
    path(
        "hebergement/propositions/<int:pk>/arrivee/",
        views.placement_host_arrival,
        name="placement_host_arrival",
    ),
    path(
        "api/v1/etablissements/<int:pk>/disponibilites/",
        views.facility_availability_api,
        name="facility_availability_api",
    ),
]
