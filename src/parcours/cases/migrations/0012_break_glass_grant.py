"""Break-glass grants live with the cases they open (issue 10): the model moves from ``access``
to ``cases`` in Django's state only; the table keeps its name, ``access_breakglassgrant`` (its
reason is encrypted bound to table and column), and no row is touched."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import parcours.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_transition_log_base"),
        ("access", "0003_break_glass_holder_index"),
        ("accounts", "0002_organisation_departement_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BreakGlassGrant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reason", parcours.core.fields.EncryptedTextField()),
                        ("granted_at", models.DateTimeField()),
                        ("expires_at", models.DateTimeField()),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="break_glass",
                                to="cases.case",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.organisation",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "access_breakglassgrant",
                        "ordering": ["-granted_at"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("expires_at__gt", models.F("granted_at"))),
                                name="break_glass_expires_after_grant",
                            )
                        ],
                        "indexes": [
                            models.Index(
                                fields=["user", "organisation", "expires_at"],
                                name="break_glass_holder",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
