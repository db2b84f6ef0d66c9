from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "parcours.cases"
    label = "cases"
