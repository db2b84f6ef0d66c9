"""Shared kernel models."""

from django.db import models


class KeyCanary(models.Model):
    """A known value sealed with each field key, so a wrong key is caught at start-up.

    Without it, a server started with the wrong key would only fail at the first read of a
    person; with it, ``parcours serve`` and the WSGI application refuse to start.
    """

    key_id = models.CharField(max_length=16, unique=True)
    sealed = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"canary {self.key_id}"
