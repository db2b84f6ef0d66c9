from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "parcours.conferences"
    label = "conferences"

    def ready(self):
        from parcours.cases import event_kinds
        from parcours.cases.enums import EventKind
        from parcours.conferences.reading import describe_event

        event_kinds.register(EventKind.CONFERENCE, describe_event)
