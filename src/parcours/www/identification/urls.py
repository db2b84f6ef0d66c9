"""Routes of the identification journey."""

urlpatterns = []
