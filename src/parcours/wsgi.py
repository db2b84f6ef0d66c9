"""WSGI entry point. Refuses to start when the encryption keys do not match the database."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")

application = get_wsgi_application()

from parcours.core.keycheck import check_keys_against_database  # noqa: E402

check_keys_against_database()
