"""Routes of the identification journey: indicator screenings of a case."""

from django.urls import path

from parcours.www.identification import views

urlpatterns = [
    path("dossiers/<str:ref>/reperage/", views.case_screenings, name="case_screenings"),
    path("dossiers/<str:ref>/reperage/<int:pk>/", views.case_screening, name="case_screening"),
]
