"""What the forms of every journey share about choices and places typed by hand.

- :func:`preselect_single_choices`: a choice with one option only is already chosen (nobody
  should have to tick the only facility of a list, nor pick the only organisation that can
  attend).
- :class:`CommuneField`: a place entered by hand is a commune or a postcode, resolved through
  ``parcours.core.communes`` to the commune (its point and its département), never latitude
  and longitude typed by a person.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core import communes
from parcours.core.errors import DomainError


def _options(field) -> list:
    """The field's real options (not the empty "—" one)."""
    if isinstance(field, forms.ModelChoiceField):
        queryset = field.queryset
        return [] if queryset is None else list(queryset[:2])
    values = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):  # an option group
            values += [v for v, _label in label if v not in ("", None)]
        elif value not in ("", None):
            values.append(value)
    return values


def preselect_single_choices(form) -> None:
    """Give every choice field of an unbound ``form`` that has a single option that option as
    its initial value (unless the form already has one for it)."""
    if form.is_bound:
        return
    for name, field in form.fields.items():
        if not isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            continue
        if form.initial.get(name) not in (None, "", []) or field.initial not in (None, "", []):
            continue
        options = _options(field)
        if len(options) != 1:
            continue
        value = getattr(options[0], "pk", options[0])
        multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        form.initial[name] = [value] if multiple else value


class CommuneField(forms.CharField):
    """The "Commune or postcode" field: cleans to a ``parcours.core.communes.Commune`` (or
    ``None`` when left empty and not required); an unknown or ambiguous text is a form error
    that says which communes it may be."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Commune or postcode"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text",
            _(
                "For example “Grasse”, “06130” or “Saint-Denis (93)”: Parcours takes the "
                "commune's position, which decides its département."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return communes.resolve(text)
        except DomainError as error:
            raise forms.ValidationError(error.message, code="commune") from error
