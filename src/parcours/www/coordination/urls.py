"""Routes of coordination: exceptional access (break-glass), batch allocation, the rights
catalogue's review."""

from django.urls import path

from parcours.www.coordination import views

urlpatterns = [
    path("acces-exceptionnel/", views.break_glass, name="break_glass"),
    path("coordination/repartition/", views.batch_allocation, name="batch_allocation"),
    path("coordination/droits/", views.rights_catalogue, name="rights_catalogue"),
]
