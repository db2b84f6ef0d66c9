import datetime

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "parcours.cases"
    label = "cases"

    def ready(self):
        from parcours.alerts import worker
        from parcours.cases import retention
        from parcours.cases.contact_watch import mark_lost_contacts

        worker.register(
            "cases marked contact lost", lambda now: len(mark_lost_contacts(now)), order=20
        )
        # Once a day in each worker (``parcours retention`` by hand or from cron still works).
        worker.register("cases archived or people anonymised", retention.step, order=40,
                        every=datetime.timedelta(days=1))  # fmt: skip
