from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "parcours.conferences"
    label = "conferences"
