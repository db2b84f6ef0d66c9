"""Routes of the facility staff's pages (included from parcours.www.urls)."""

from django.urls import path

from parcours.www import facility_views

urlpatterns = [
    path("hebergement/etablissements/", facility_views.facility_list, name="facility_list"),
    path(
        "hebergement/etablissements/<int:pk>/disponibilites/",
        facility_views.facility_availability,
        name="facility_availability",
    ),
    path("hebergement/propositions/", facility_views.placement_inbox, name="placement_inbox"),
    path(
        "hebergement/propositions/<int:pk>/reponse/",
        facility_views.placement_answer,
        name="placement_answer",
    ),
    path(
        "hebergement/propositions/<int:pk>/arrivee/",
        facility_views.placement_host_arrival,
        name="placement_host_arrival",
    ),
    path(
        "api/v1/etablissements/<int:pk>/disponibilites/",
        facility_views.facility_availability_api,
        name="facility_availability_api",
    ),
]
