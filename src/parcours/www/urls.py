from django.urls import include, path

from parcours.www import auth_views, case_views, directory_views, person_views

urlpatterns = [
    path("", case_views.home, name="home"),
    path("sante/", auth_views.health, name="health"),
    path("compte/", include("parcours.accounts.urls")),
    path("deconnexion/partout/", auth_views.sign_out_everywhere, name="logout_everywhere"),
    path("mon-compte/", auth_views.account, name="account"),
    path("organisation/", auth_views.switch_organisation, name="switch_organisation"),
    path("dossiers/", case_views.case_list, name="my_cases"),
    path("dossiers/nouveau/", case_views.case_open, name="case_open"),
    path("acces-exceptionnel/", case_views.break_glass, name="break_glass"),
    path("dossiers/<str:ref>/", case_views.case_detail, name="case_detail"),
    path("dossiers/<str:ref>/statut/", case_views.case_status, name="case_status"),
    path("dossiers/<str:ref>/contacts/", case_views.case_contact, name="case_contact"),
    path("dossiers/<str:ref>/notes/", case_views.case_note, name="case_note"),
    path(
        "dossiers/<str:ref>/participants/",
        case_views.case_participant_add,
        name="case_participant_add",
    ),
    path(
        "dossiers/<str:ref>/participants/<int:pk>/retrait/",
        case_views.case_participant_end,
        name="case_participant_end",
    ),
    path("personnes/<str:ref>/", person_views.person_detail, name="person_detail"),
    path("annuaire/", directory_views.directory, name="directory"),
]
