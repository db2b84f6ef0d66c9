from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "parcours.alerts"
    label = "alerts"

    def ready(self):
        from parcours.alerts import escalation, tracking, worker
        from parcours.alerts.notify import send_due

        # After the steps that change the cases' state (expiry, lost contact: order 50).
        worker.register("alerts opened or closed", tracking.step, order=60)
        worker.register("alerts escalated", escalation.escalate, order=61)

        # Last: the notifications the other steps of the round wrote are sent in the same round.
        worker.register("e-mails sent", send_due, order=100)  # last: what the steps queued
