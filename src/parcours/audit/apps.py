import datetime

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "parcours.audit"
    label = "audit"

    def ready(self):
        from parcours.alerts import worker
        from parcours.audit import signals  # noqa: F401  (sign-in events)
        from parcours.audit.sealing import export_roots, seal, send_daily_root
        from parcours.audit.signing import signing_key
        from parcours.audit.verification import check_journal

        worker.register_check(signing_key)  # production: refuse to start without the key

        # Last in each round, so that what the other steps journaled is sealed in the same round.
        worker.register("journal entries sealed", seal, order=98)
        worker.register("journal roots exported", export_roots, order=99)
        worker.register("journal roots sent to the coordination", send_daily_root, order=99)
        # Once a day in each worker: the batches, and the entries sealed since the last check
        # (``parcours audit verify``, from its checkpoint); a journal that does not hold fails
        # the step, which the heartbeat, ``worker --status`` and the coordinators' page show.
        worker.register("journal entries checked", check_journal, order=99,
                        every=datetime.timedelta(days=1))  # fmt: skip
