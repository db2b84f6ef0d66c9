"""Routes of one's organisation, for its manager: its members and who may see where people
sleep."""

from django.urls import path

from parcours.www.organisation import views

urlpatterns = [
    path("organisation/membres/", views.member_list, name="organisation_members"),
    path(
        "organisation/membres/<int:pk>/lieu/",
        views.member_location,
        name="organisation_member_location",
    ),
]
