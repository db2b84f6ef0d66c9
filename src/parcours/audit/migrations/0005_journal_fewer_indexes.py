"""The journal's entries lose four of their twelve indexes, written for every entry: object_ref's
two (journal_object_newest, (object_ref, -seq), serves every read by reference) and
related_ref's two (nothing reads by it). Only the indexes are dropped: altering the fields would
rebuild the table on SQLite, and the rebuild would drop the append-only triggers."""

from django.db import migrations, models

DROPPED = (
    "audit_journalentry_object_ref_236ff6b3",
    "audit_journalentry_object_ref_236ff6b3_like",
    "audit_journalentry_related_ref_2ab13103",
    "audit_journalentry_related_ref_2ab13103_like",
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_journal_batches"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalentry",
                    name="object_ref",
                    field=models.CharField(blank=True, max_length=32),
                ),
                migrations.AlterField(
                    model_name="journalentry",
                    name="related_ref",
                    field=models.CharField(blank=True, max_length=32),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in DROPPED], reverse_sql=[]
                ),
            ],
        ),
    ]
