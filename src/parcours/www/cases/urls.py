"""Routes of the case journey: my cases, intake, the case page and its actions, hand-over."""

from django.urls import path

from parcours.www.cases import group_intake, handover, identification_views, task_list, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dossiers/", views.case_list, name="my_cases"),
    path("taches/", task_list.my_tasks, name="my_tasks"),
    path("dossiers/nouveau/", views.case_open, name="case_open"),
    path("dossiers/nouveau/groupe/", group_intake.case_open_group, name="case_open_group"),
    path("dossiers/<str:ref>/", views.case_detail, name="case_detail"),
    path("dossiers/<str:ref>/statut/", views.case_status, name="case_status"),
    path("dossiers/<str:ref>/contacts/", views.case_contact, name="case_contact"),
    path("dossiers/<str:ref>/notes/", views.case_note, name="case_note"),
    path("dossiers/<str:ref>/situation/", views.case_fact, name="case_fact"),
    path(
        "dossiers/<str:ref>/identification/etape/",
        identification_views.case_stage,
        name="case_stage",
    ),
    path(
        "dossiers/<str:ref>/identification/information/",
        identification_views.case_reflection_info,
        name="case_reflection_info",
    ),
    path(
        "dossiers/<str:ref>/identification/formes/",
        identification_views.case_exploitation,
        name="case_exploitation",
    ),
    path(
        "dossiers/<str:ref>/fiche-droits/",
        identification_views.case_rights_sheet,
        name="case_rights_sheet",
    ),
    path(
        "dossiers/<str:ref>/identification/minorite/",
        identification_views.case_minority,
        name="case_minority",
    ),
    path("dossiers/<str:ref>/taches/", views.case_task_add, name="case_task_add"),
    path(
        "dossiers/<str:ref>/rendez-vous/", views.case_appointment_add, name="case_appointment_add"
    ),
    path("dossiers/<str:ref>/taches/<int:pk>/fait/", views.case_task_done, name="case_task_done"),
    path(
        "dossiers/<str:ref>/participants/", views.case_participant_add, name="case_participant_add"
    ),
    path(
        "dossiers/<str:ref>/participants/<int:pk>/retrait/",
        views.case_participant_end,
        name="case_participant_end",
    ),
    path(
        "dossiers/<str:ref>/refus-de-partage/",
        views.case_sharing_refused,
        name="case_sharing_refused",
    ),
    path("dossiers/<str:ref>/transfert/", handover.case_handover, name="case_handover"),
    path("transferts/<int:pk>/", handover.handover_detail, name="handover_detail"),
    path("transferts/<int:pk>/reponse/", handover.handover_answer, name="handover_answer"),
    path("transferts/<int:pk>/annulation/", handover.handover_cancel, name="handover_cancel"),
]
