"""The referent organisation and user lose their single-column indexes: case_org_opened and
case_user_opened (0015) lead with them. Only the indexes are dropped; the foreign keys'
constraints stay, so the table is not checked again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = ("cases_case_referent_org_id_8bd0fe98", "cases_case_referent_user_id_88eb576f")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0015_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="referent_org",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="referent_cases",
                        to="accounts.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="referent_user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="referent_cases",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in DROPPED], reverse_sql=[]
                ),
            ],
        ),
    ]
