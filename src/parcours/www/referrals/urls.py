"""Routes of referrals and consents: sending from a case, the inbox, the referral page."""

from django.urls import path

from parcours.www.referrals import views

urlpatterns = [
    path(
        "dossiers/<str:ref>/orientations/nouvelle/",
        views.case_referral_new,
        name="case_referral_new",
    ),
    path(
        "dossiers/<str:ref>/consentements/nouveau/", views.case_consent_add, name="case_consent_add"
    ),
    path(
        "dossiers/<str:ref>/consentements/<int:pk>/retrait/",
        views.case_consent_withdraw,
        name="case_consent_withdraw",
    ),
    path("orientations/", views.referral_inbox, name="referral_inbox"),
    path("orientations/<str:ref>/", views.referral_detail, name="referral_detail"),
    path("orientations/<str:ref>/reponse/", views.referral_answer, name="referral_answer"),
    path("orientations/<str:ref>/retrait/", views.referral_withdraw, name="referral_withdraw"),
    path(
        "orientations/<str:ref>/exigences/", views.referral_requirement, name="referral_requirement"
    ),
    path(
        "orientations/<str:ref>/exigences/retrait/",
        views.referral_requirement_remove,
        name="referral_requirement_remove",
    ),
]
