from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "parcours.reporting"
    label = "reporting"

    def ready(self):
        from parcours.alerts import worker
        from parcours.cases import event_kinds
        from parcours.cases.enums import EventKind
        from parcours.reporting.events import describe_opened
        from parcours.reporting.limits import purge

        worker.register("report rate-limit windows purged", purge, order=95)
        event_kinds.register(EventKind.OPENED, describe_opened)
