"""Routes of the case-conference pages (included from parcours.www.urls)."""

urlpatterns = []
