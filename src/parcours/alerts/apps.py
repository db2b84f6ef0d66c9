from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "parcours.alerts"
    label = "alerts"

    def ready(self):
        from parcours.alerts.notify import send_due
        from parcours.core import worker

        # Last: the notifications the other steps of the round wrote are sent in the same round.
        worker.register("e-mails sent", send_due, order=90)
