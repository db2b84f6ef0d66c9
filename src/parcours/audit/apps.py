from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "parcours.audit"
    label = "audit"

    def ready(self):
        from parcours.audit import signals  # noqa: F401  (sign-in events)
