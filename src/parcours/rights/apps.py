from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class RightsConfig(AppConfig):
    name = "parcours.rights"
    label = "rights"

    def ready(self):
        # A wrong catalogue stops the start, naming the entry and the line.
        from parcours.rights.catalogue import CatalogueError, catalogue

        try:
            catalogue()
        except CatalogueError as error:
            raise ImproperlyConfigured(str(error)) from error
