from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "parcours.cases"
    label = "cases"

    def ready(self):
        from parcours.cases.contact_watch import mark_lost_contacts
        from parcours.core import worker

        worker.register(
            "cases marked contact lost", lambda now: len(mark_lost_contacts(now)), order=20
        )
