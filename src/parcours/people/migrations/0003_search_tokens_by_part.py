"""Search tokens by name part, start of a name, initial and date of birth (issue 11).

The name tokens written before were digests of whole names and of their parts folded without
transliteration ("Trần" and "Tran" differed only by accents, but "Đặng" kept its đ). Each
person's identity is decrypted (the historical model's fields are the encrypted fields
themselves) and every token recomputed with :func:`parcours.people.search.tokens_for`, the
function intake and search use now. Going back keeps the new tokens: the old search matched
whole names and parts, which the new name tokens still contain for each part.
"""

from django.db import migrations, models

from parcours.people.search import tokens_for


def recompute(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    Person = apps.get_model("people", "Person")
    SearchToken = apps.get_model("people", "SearchToken")
    for person in Person._base_manager.using(alias).filter(anonymised_at__isnull=True).iterator():
        SearchToken._base_manager.using(alias).filter(person_id=person.pk).delete()
        SearchToken._base_manager.using(alias).bulk_create(
            [
                SearchToken(person_id=person.pk, kind=kind, digest=digest)
                for kind, digest in tokens_for(person)
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0002_phone_tokens_e164")]

    operations = [
        migrations.AlterField(
            model_name="searchtoken",
            name="kind",
            field=models.CharField(
                choices=[
                    ("name", "Name"),
                    ("prefix", "Prefix"),
                    ("initial", "Initial"),
                    ("birth", "Birth"),
                    ("phone", "Phone"),
                ],
                max_length=8,
            ),
        ),
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
