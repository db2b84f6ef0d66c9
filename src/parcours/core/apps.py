from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seal_canary(sender, **kwargs):
    """Right after the tables exist, record which key this database is written with."""
    from parcours.core.keycheck import check_keys_against_database

    check_keys_against_database()


class CoreConfig(AppConfig):
    name = "parcours.core"
    label = "core"

    def ready(self):
        post_migrate.connect(_seal_canary, sender=self, dispatch_uid="parcours-key-canary")
