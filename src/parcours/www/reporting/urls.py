"""Routes of the reporting journey."""

urlpatterns = []
