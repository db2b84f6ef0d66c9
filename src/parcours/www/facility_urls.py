"""Routes of the facility staff's pages (included from parcours.www.urls)."""

urlpatterns = []
