"""Routes of the person page."""

from django.urls import path

from parcours.www.people import views

urlpatterns = [
    path("personnes/<str:ref>/", views.person_detail, name="person_detail"),
]
