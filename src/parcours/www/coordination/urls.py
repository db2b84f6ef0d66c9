"""Routes of coordination: exceptional access (break-glass), batch allocation."""

from django.urls import path

from parcours.www.coordination import views

urlpatterns = [
    path("acces-exceptionnel/", views.break_glass, name="break_glass"),
    path("coordination/repartition/", views.batch_allocation, name="batch_allocation"),
]
