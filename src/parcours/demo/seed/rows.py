"""Rows as the database takes them, built without model instances: the seed only inserts them.

A :class:`Table` names a model's columns in the order the generator fills them; the model's
other fields take their default, prepared once (a model field added later with a default just
follows; one without a default, or an encrypted one, makes the seed refuse to start rather than
write a wrong row). Values are converted the way Django's fields would for the database in use
(:class:`Values`): datetimes and dates as the backend stores them, JSON serialised as
``JSONField`` does, UUIDs as the backend takes them, and encrypted fields sealed by the project's
own key ring (``core.crypto``) with the table and column as associated data, one fresh nonce per
value: a ciphertext is never reused, even for the same text.

The generator runs in worker processes (``parcours.demo.seed``): everything here is plain
Python data that pickles cheaply.
"""

import datetime
import json

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import NOT_PROVIDED

from parcours.core.crypto import keyring
from parcours.core.fields import EncryptedJSONField, EncryptedMixin


class Values:
    """Converters of Python values to what the database in use stores (``vendor``: Django's
    name of the backend)."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.sqlite = vendor == "sqlite"

    def dt(self, value: datetime.datetime | None):
        """An aware UTC datetime (the seed's are), as ``DateTimeField`` stores it."""
        if value is None or not self.sqlite:
            return value
        if value.utcoffset():
            value = value.astimezone(datetime.UTC)
        return str(value.replace(tzinfo=None))  # Django's SQLite adapter: naive UTC text

    def date(self, value: datetime.date | None):
        if value is None or not self.sqlite:
            return value
        return value.isoformat()

    def uuid(self, value):
        if value is None or not self.sqlite:
            return value
        return value.hex  # Django's UUIDField without a native type

    @staticmethod
    def json(value) -> str:
        """As ``JSONField`` serialises (``json.dumps`` with its defaults)."""
        return json.dumps(value)


class Sealer:
    """Encrypts values for one encrypted column, as its field would (``EncryptedMixin``)."""

    __slots__ = ("aad", "encrypt", "as_json")

    def __init__(self, field):
        ring = keyring()
        self.aad = field.associated_data()
        self.encrypt = ring.encrypt
        self.as_json = isinstance(field, EncryptedJSONField)

    def __call__(self, value):
        if value is None:
            return None
        if self.as_json:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            text = str(value)
        return self.encrypt(text.encode(), self.aad)


class Table:
    """The rows of one model the seed writes: ``columns`` are attnames (``"id"`` included when
    the seed chooses the ids), filled by the generator in this order; every other concrete
    field gets its default, prepared once."""

    def __init__(self, model, columns: list[str]):
        self.model = model
        self.columns = list(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in self.columns if c not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
        connection = connections[DEFAULT_DB_ALIAS]
        self.extra_columns, extra = [], []
        for attname, f in fields.items():
            if attname in self.columns or f.primary_key:
                continue
            if isinstance(f, EncryptedMixin):
                raise ValueError(f"the seed must seal {model.__name__}.{attname} itself")
            if f.default is NOT_PROVIDED and not f.null:
                raise ValueError(f"the seed gives no value to {model.__name__}.{attname}")
            extra.append(f.get_db_prep_save(f.get_default(), connection))
            self.extra_columns.append(attname)
        self.extra = tuple(extra)
        self.db_columns = [fields[c].column for c in self.columns + self.extra_columns]
        self.sealers = {c: Sealer(f) for c, f in fields.items() if isinstance(f, EncryptedMixin)}

    def seal(self, column: str) -> Sealer:
        return self.sealers[column]

    def full(self, rows):
        """The rows with the default columns appended."""
        if not self.extra:
            return rows
        extra = self.extra
        return [row + extra for row in rows]


class Named:
    """What the journal needs of an object it names: its model (``_meta``), reference and id.
    The seed journals objects it wrote as rows, without building their model instances."""

    __slots__ = ("_meta", "ref", "pk", "id")

    def __init__(self, model, ref: str, pk: int | None):
        self._meta = model._meta
        self.ref = ref
        self.pk = self.id = pk
