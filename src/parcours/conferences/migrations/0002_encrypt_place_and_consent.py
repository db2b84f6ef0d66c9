"""Encrypt the conference's place and the consent's language and interpreter (issue 9).

The columns become text, then each existing value is read raw and written back through the
model's encrypted field, so it is sealed for its final table and column (the associated data);
going back decrypts them into plain columns again.
"""

from django.db import migrations

import parcours.core.fields

APP = "conferences"
SEALED = {"conference": ["place"], "conferenceconsent": ["language", "interpreter"]}


def _table(model, quote):
    return quote(model._meta.db_table), quote(model._meta.pk.column)


def seal(apps, schema_editor):
    """Read each plain value raw and write it back through the field, which encrypts it."""
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    for model_name, names in SEALED.items():
        model = apps.get_model(APP, model_name)
        table, pk_column = _table(model, quote)
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
        with connection.cursor() as cursor:
            # Identifiers only, from the model and quoted: no value is formatted in.
            cursor.execute(f"SELECT {pk_column}, {columns} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
        manager = model._base_manager.using(connection.alias)
        for pk, *values in rows:
            manager.filter(pk=pk).update(**dict(zip(names, values, strict=True)))


def unseal(apps, schema_editor):
    """Read each value through the field, which decrypts it, and write it back raw."""
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    for model_name, names in SEALED.items():
        model = apps.get_model(APP, model_name)
        table, pk_column = _table(model, quote)
        assignments = ", ".join(
            f"{quote(model._meta.get_field(name).column)} = %s" for name in names
        )
        sql = f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608
        rows = list(model._base_manager.using(connection.alias).values_list("pk", *names))
        with connection.cursor() as cursor:
            for pk, *values in rows:
                cursor.execute(sql, [*values, pk])


class Migration(migrations.Migration):
    dependencies = [("conferences", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="conference",
            name="place",
            field=parcours.core.fields.EncryptedTextField(
                blank=True, default="", verbose_name="where"
            ),
        ),
        migrations.AlterField(
            model_name="conferenceconsent",
            name="interpreter",
            field=parcours.core.fields.EncryptedTextField(
                blank=True, default="", verbose_name="interpreter"
            ),
        ),
        migrations.AlterField(
            model_name="conferenceconsent",
            name="language",
            field=parcours.core.fields.EncryptedTextField(verbose_name="language"),
        ),
        migrations.RunPython(seal, unseal),
    ]
