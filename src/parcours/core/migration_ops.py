"""Operations the apps' data migrations share. Migrations import them: keep each one's
behaviour as it is (a change would change what an old migration does); add new ones instead.

``seal_columns(app, sealed)``: the columns of ``sealed`` (model name -> field names), just made
encrypted fields, get their existing plain values read raw and written back through the field,
so each is sealed for its final table and column (the associated data); going back decrypts
them into plain columns again.
"""

from django.db import migrations


def _table(model, quote):
    return quote(model._meta.db_table), quote(model._meta.pk.column)


def _seal(app, sealed, apps, schema_editor):
    """Read each plain value raw and write it back through the field, which encrypts it."""
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    for model_name, names in sealed.items():
        model = apps.get_model(app, model_name)
        table, pk_column = _table(model, quote)
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
        with connection.cursor() as cursor:
            # Identifiers only, from the model and quoted: no value is formatted in.
            cursor.execute(f"SELECT {pk_column}, {columns} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
        manager = model._base_manager.using(connection.alias)
        for pk, *values in rows:
            manager.filter(pk=pk).update(**dict(zip(names, values, strict=True)))


def _unseal(app, sealed, apps, schema_editor):
    """Read each value through the field, which decrypts it, and write it back raw."""
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    for model_name, names in sealed.items():
        model = apps.get_model(app, model_name)
        table, pk_column = _table(model, quote)
        assignments = ", ".join(
            f"{quote(model._meta.get_field(name).column)} = %s" for name in names
        )
        sql = f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608
        rows = list(model._base_manager.using(connection.alias).values_list("pk", *names))
        with connection.cursor() as cursor:
            for pk, *values in rows:
                cursor.execute(sql, [*values, pk])


def seal_columns(app: str, sealed: dict[str, list[str]]) -> migrations.RunPython:
    return migrations.RunPython(
        lambda apps, schema_editor: _seal(app, sealed, apps, schema_editor),
        lambda apps, schema_editor: _unseal(app, sealed, apps, schema_editor),
    )
