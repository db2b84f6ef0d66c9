"""Password rules of the CNIL (deliberation 2022-100): long enough for the character classes used.

- at least 12 characters mixing the four classes (lower case, upper case, digits, symbols);
- or at least 14 characters with three of them;
- or at least 16 characters of any kind (a passphrase).
"""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RULES = ((4, 12), (3, 14), (1, 16))  # (classes used, minimum length)


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() or c in string.punctuation for c in password),
        )
    )


class CnilPasswordValidator:
    def validate(self, password, user=None):
        classes = character_classes(password)
        if not any(classes >= need and len(password) >= length for need, length in RULES):
            raise ValidationError(self.get_help_text(), code="password_too_weak")

    def get_help_text(self):
        return _(
            "Use at least 12 characters mixing lower case, upper case, digits and symbols; "
            "or 14 characters with three of these; or a passphrase of 16 characters or more."
        )
