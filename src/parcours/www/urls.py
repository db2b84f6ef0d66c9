from django.urls import include, path

from parcours.www import (
    auth_views,
    case_views,
    directory_views,
    handover_views,
    notification_views,
    person_views,
    referral_views,
)

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
    path("dossiers/<str:ref>/taches/", case_views.case_task_add, name="case_task_add"),
    path(
        "dossiers/<str:ref>/rendez-vous/",
        case_views.case_appointment_add,
        name="case_appointment_add",
    ),
    path(
        "dossiers/<str:ref>/taches/<int:pk>/fait/",
        case_views.case_task_done,
        name="case_task_done",
    ),
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
    path(
        "dossiers/<str:ref>/orientations/nouvelle/",
        referral_views.case_referral_new,
        name="case_referral_new",
    ),
    path(
        "dossiers/<str:ref>/consentements/nouveau/",
        referral_views.case_consent_add,
        name="case_consent_add",
    ),
    path(
        "dossiers/<str:ref>/consentements/<int:pk>/retrait/",
        referral_views.case_consent_withdraw,
        name="case_consent_withdraw",
    ),
    path(
        "dossiers/<str:ref>/refus-de-partage/",
        case_views.case_sharing_refused,
        name="case_sharing_refused",
    ),
    path("dossiers/<str:ref>/transfert/", handover_views.case_handover, name="case_handover"),
    path("transferts/<int:pk>/", handover_views.handover_detail, name="handover_detail"),
    path("transferts/<int:pk>/reponse/", handover_views.handover_answer, name="handover_answer"),
    path(
        "transferts/<int:pk>/annulation/",
        handover_views.handover_cancel,
        name="handover_cancel",
    ),
    path("orientations/", referral_views.referral_inbox, name="referral_inbox"),
    path("orientations/<str:ref>/", referral_views.referral_detail, name="referral_detail"),
    path(
        "orientations/<str:ref>/reponse/",
        referral_views.referral_answer,
        name="referral_answer",
    ),
    path(
        "orientations/<str:ref>/retrait/",
        referral_views.referral_withdraw,
        name="referral_withdraw",
    ),
    path("personnes/<str:ref>/", person_views.person_detail, name="person_detail"),
    path("annuaire/", directory_views.directory, name="directory"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/tout-lu/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/<int:pk>/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path("", include("parcours.www.conference_urls")),
    path("", include("parcours.www.facility_urls")),
]
