"""Model fields whose values are encrypted at rest (see :mod:`parcours.core.crypto`).

Values are bound to their table and column. Encrypted columns cannot be filtered on (only
``isnull``): exact search goes through blind indexes. ``''`` is stored encrypted like any other
value, never as NULL.
"""

import json

from django.core.exceptions import FieldError
from django.db import models

from parcours.core.crypto import keyring


class EncryptedMixin:
    """Shared behaviour of the encrypted fields: subclasses define to_text/from_text."""

    def to_text(self, value) -> str:
        raise NotImplementedError

    def from_text(self, text: str):
        raise NotImplementedError

    def associated_data(self) -> bytes:
        return f"{self.model._meta.db_table}.{self.column}".encode()

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_text(keyring().decrypt(value, self.associated_data()).decode())

    def get_prep_value(self, value):
        if value is None:
            return None
        return keyring().encrypt(self.to_text(value).encode(), self.associated_data())

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted: search it through its blind index, not '{lookup_name}'."
            )
        return super().get_lookup(lookup_name)

    def get_internal_type(self):
        return "TextField"


class EncryptedTextField(EncryptedMixin, models.TextField):
    description = "Text encrypted at rest"

    def to_text(self, value) -> str:
        return str(value)

    def from_text(self, text: str):
        return text

    def to_python(self, value):
        return value if value is None else str(value)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON value (list, dict, number...) encrypted at rest."""

    description = "JSON encrypted at rest"

    def to_text(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def from_text(self, text: str):
        return json.loads(text)

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        return self.to_text(self.value_from_object(obj))
