"""The shared cache lives in the database (settings.CACHES): create its table."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    if "parcours_cache" not in schema_editor.connection.introspection.table_names():
        call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
