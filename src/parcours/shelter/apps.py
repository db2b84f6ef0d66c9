from django.apps import AppConfig


class ShelterConfig(AppConfig):
    name = "parcours.shelter"
    label = "shelter"
