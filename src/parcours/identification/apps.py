from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "parcours.identification"
    label = "identification"
