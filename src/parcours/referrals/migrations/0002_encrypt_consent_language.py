"""Encrypt the language and interpreter of a consent to share (issue 9).

The columns become text, then each existing value is read raw and written back through the
model's encrypted field, so it is sealed for its final table and column (the associated data);
going back decrypts them into plain columns again.
"""

from django.db import migrations

import parcours.core.fields
from parcours.core.migration_ops import seal_columns

SEALED = {"consent": ["language", "interpreter"]}


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="consent",
            name="interpreter",
            field=parcours.core.fields.EncryptedTextField(
                blank=True, default="", verbose_name="interpreter"
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="language",
            field=parcours.core.fields.EncryptedTextField(verbose_name="language"),
        ),
        seal_columns("referrals", SEALED),
    ]
