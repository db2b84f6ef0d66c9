"""Routes of the rights journey: letters about refusals."""

from django.urls import path

from parcours.www.rights import views

urlpatterns = [
    path("dossiers/<str:ref>/courriers/", views.case_letter_new, name="case_letter_new"),
    path("dossiers/<str:ref>/courriers/<int:pk>/", views.case_letter, name="case_letter"),
    path(
        "dossiers/<str:ref>/courriers/<int:pk>/pdf/", views.case_letter_pdf, name="case_letter_pdf"
    ),
    path(
        "dossiers/<str:ref>/courriers/<int:pk>/reponse/",
        views.case_letter_answer,
        name="case_letter_answer",
    ),
]
