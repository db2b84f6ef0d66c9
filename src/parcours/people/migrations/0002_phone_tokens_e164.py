"""Phone search tokens computed on the E.164 form of the number (issue 10).

The phone tokens written before were the blind index of a hand-written normalisation that read
every 10-digit number as metropolitan (``0692 12 34 56`` gave ``33692123456``, where the number
is ``+262 692 12 34 56``) and kept the 0 of ``+33 (0)6 ...``: searching the number as written
elsewhere missed. Each person's stored phone is decrypted (the historical model's field is the
encrypted field itself) and the phone token recomputed with :func:`parcours.people.phones.
phone_digest`, the function that search and intake use now. Going back recomputes the tokens
with the old normalisation, copied below as it was.
"""

from django.db import migrations

from parcours.core.crypto import keyring
from parcours.people.phones import PHONE_PURPOSE, phone_digest

PHONE = "phone"  # SearchToken.Kind.PHONE


def _old_form(value: str) -> str:
    """The normalisation the tokens were computed with before this migration."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.strip().startswith("00"):
        digits = digits[2:]
    elif len(digits) == 10 and digits.startswith("0"):
        digits = "33" + digits[1:]
    return digits


def _old_digest(value: str) -> str | None:
    form = _old_form(value or "")
    return keyring().blind_index(form, PHONE_PURPOSE) if form else None


def _recompute(apps, schema_editor, digest_of) -> None:
    alias = schema_editor.connection.alias
    Person = apps.get_model("people", "Person")
    SearchToken = apps.get_model("people", "SearchToken")
    tokens = []
    for pk, phone in Person._base_manager.using(alias).values_list("pk", "phone").iterator():
        digest = digest_of(phone or "")
        if digest:
            tokens.append(SearchToken(person_id=pk, kind=PHONE, digest=digest))
    SearchToken._base_manager.using(alias).filter(kind=PHONE).delete()
    SearchToken._base_manager.using(alias).bulk_create(tokens, batch_size=500)


def to_e164(apps, schema_editor):
    _recompute(apps, schema_editor, phone_digest)


def to_old_form(apps, schema_editor):
    _recompute(apps, schema_editor, _old_digest)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(to_e164, to_old_form)]
