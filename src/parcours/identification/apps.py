from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class IdentificationConfig(AppConfig):
    name = "parcours.identification"
    label = "identification"

    def ready(self):
        # A wrong indicator file stops the start, naming the entry and the line.
        from parcours.identification.indicators import IndicatorError, catalogue

        try:
            catalogue()
        except IndicatorError as error:
            raise ImproperlyConfigured(str(error)) from error
        # The reflection period's setting and the rights catalogue say the same length.
        from parcours.identification.reflection import check_catalogue

        check_catalogue()
        # The timeline's sentence for a stage, and the worker's steps: the alert before the
        # reflection period ends, the reminder six months before 18.
        from parcours.alerts import worker
        from parcours.cases import event_kinds
        from parcours.cases.enums import EventKind
        from parcours.identification import minors, reflection, stages

        event_kinds.register(EventKind.IDENTIFICATION, stages.describe)
        worker.register("reflection periods ending", reflection.alert_ending, order=30)
        worker.register("minors turning 18", minors.remind_turning_18, order=31)
