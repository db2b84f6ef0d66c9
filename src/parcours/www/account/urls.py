"""Routes of one's own account and organisation, sign-out everywhere, notifications, health."""

from django.urls import path

from parcours.www.account import notifications, views

urlpatterns = [
    path("sante/", views.health, name="health"),
    path("deconnexion/partout/", views.sign_out_everywhere, name="logout_everywhere"),
    path("mon-compte/", views.account, name="account"),
    path("organisation/", views.switch_organisation, name="switch_organisation"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/tout-lu/", notifications.notification_read_all, name="notification_read_all"
    ),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
]
