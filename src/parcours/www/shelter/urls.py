"""Routes of safety and safe shelter on a case: dangers, zones, requests, ranked places."""

from django.urls import path

from parcours.www.shelter import views

urlpatterns = [
    path("dossiers/<str:ref>/dangers/", views.case_risk, name="case_risk"),
    path("dossiers/<str:ref>/zones/nouvelle/", views.case_zone_add, name="case_zone_add"),
    path(
        "dossiers/<str:ref>/zones/<int:pk>/retrait/",
        views.case_zone_remove,
        name="case_zone_remove",
    ),
    path("dossiers/<str:ref>/mise-a-l-abri/", views.case_placement_new, name="case_placement_new"),
    path(
        "dossiers/<str:ref>/mise-a-l-abri/<int:pk>/",
        views.placement_request,
        name="placement_request",
    ),
    path(
        "dossiers/<str:ref>/mise-a-l-abri/<int:pk>/proposer/",
        views.placement_propose,
        name="placement_propose",
    ),
    path(
        "dossiers/<str:ref>/mise-a-l-abri/<int:pk>/a-la-main/",
        views.placement_by_hand,
        name="placement_by_hand",
    ),
    path(
        "dossiers/<str:ref>/placements/<int:pk>/annulation/",
        views.placement_cancel,
        name="placement_cancel",
    ),
    path(
        "dossiers/<str:ref>/placements/<int:pk>/arrivee/",
        views.placement_arrival,
        name="placement_arrival",
    ),
]
