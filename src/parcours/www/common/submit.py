"""Running the action of a submitted form, the same way on every page.

A view hands ``submit`` the form and a function of the cleaned data; ``submit`` runs it in one
transaction when the form is valid, turns a rule's refusal (``DomainError``) into a form error
in the reader's language (the transaction rolled back: nothing changed but the record of the
refused attempt a rule asks to keep, ``DomainError.aftermath``), and says so with a success
message otherwise. It answers the action's result wrapped in ``Done`` (a result may be
``None``), or ``None`` when nothing was done.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction

from parcours.core.errors import DomainError


@dataclass(frozen=True)
class Done:
    """A form's action went through; ``value`` is what it returned."""

    value: Any = None


def submit(request, form, action, success: str) -> Done | None:
    """Run ``action(form.cleaned_data)`` for a valid form posted with ``request``."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with transaction.atomic():
            value = action(form.cleaned_data)
    except DomainError as error:
        error.keep_after_rollback()
        form.add_error(None, error.message)
        return None
    messages.success(request, success)
    return Done(value)
