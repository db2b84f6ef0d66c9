"""The break-glass grant now belongs to ``cases`` (``cases.0012``): ``access`` forgets it in
Django's state only; the table stays, owned by ``cases.BreakGlassGrant``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_break_glass_holder_index"),
        ("cases", "0012_break_glass_grant"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="BreakGlassGrant")],
            database_operations=[],
        ),
    ]
