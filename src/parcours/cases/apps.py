from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "parcours.cases"
    label = "cases"

    def ready(self):
        from parcours.alerts import worker
        from parcours.cases.contact_watch import mark_lost_contacts

        worker.register(
            "cases marked contact lost", lambda now: len(mark_lost_contacts(now)), order=20
        )
