from django.conf import settings
from django.urls import include, path

from parcours.accounts.admin import site as admin_site

urlpatterns = [
    path(settings.ADMIN_PATH, admin_site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("parcours.www.urls")),
]
