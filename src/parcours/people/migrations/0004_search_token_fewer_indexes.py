"""Search tokens keep two indexes but the key: the unique (person, kind, digest), which serves
reads by person, and one on digest, without the LIKE index Django adds to an indexed CharField
(searches compare whole digests). The foreign key's constraint stays as it is: only indexes are
dropped, so the table is not checked again (at 1,000,000 people it has 15,700,000 rows)."""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = (
    "people_searchtoken_digest_0c12ef5a",
    "people_searchtoken_digest_0c12ef5a_like",
    "people_searchtoken_person_id_775f075c",
)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_search_tokens_by_part"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchtoken",
                    name="digest",
                    field=models.CharField(max_length=32),
                ),
                migrations.AlterField(
                    model_name="searchtoken",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_tokens",
                        to="people.person",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in DROPPED], reverse_sql=[]
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="searchtoken",
            index=models.Index(fields=["digest"], name="search_token_digest"),
        ),
    ]
