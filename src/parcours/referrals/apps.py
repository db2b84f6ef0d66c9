from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "parcours.referrals"
    label = "referrals"

    def ready(self):
        from parcours.alerts import worker
        from parcours.referrals.deadlines import expire_overdue

        worker.register("referrals expired", expire_overdue, order=10)
