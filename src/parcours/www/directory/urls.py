"""Routes of the public directory of organisations."""

from django.urls import path

from parcours.www.directory import views

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
]
