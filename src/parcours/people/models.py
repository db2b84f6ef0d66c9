"""The person: identity and the field groups of their situation, encrypted at rest.

Nothing here is readable without going through ``parcours.access``: a person is reached through a
case the actor may see, and each field belongs to one field group (``FIELD_GROUPS``).
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.fields import EncryptedJSONField, EncryptedTextField
from parcours.core.groups import FieldGroup
from parcours.core.models import FreshReference
from parcours.core.refs import new_reference
from parcours.people.enums import Sex


def new_person_ref() -> str:
    return new_reference("P")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from parcours.access.scopes import visible_people

        return visible_people(actor, self)


class Person(FreshReference, models.Model):
    """A person followed by the mechanism. Lists, logs and URLs show ``ref``, never a name.

    ``birth_date`` is ``{"year": int, "month": int|None, "day": int|None, "approximate": bool}``
    since a date of birth is often partial or uncertain.
    """

    REF_PREFIX = "P"

    ref = models.CharField(max_length=12, unique=True, default=new_person_ref, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # Set by the retention policy (parcours.cases.retention) once every field below is erased.
    anonymised_at = models.DateTimeField(_("anonymised on"), null=True, blank=True, editable=False)

    # identity
    family_name = EncryptedTextField(_("family name"), blank=True, default="")
    given_names = EncryptedTextField(_("given names"), blank=True, default="")
    aliases = EncryptedJSONField(_("aliases"), default=list, blank=True)
    birth_date = EncryptedJSONField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nationalities = EncryptedJSONField(_("nationalities"), default=list, blank=True)
    languages = EncryptedJSONField(_("languages"), default=list, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    # other groups: one short summary each for now; later issues add structured models.
    location_now = EncryptedTextField(_("where the person sleeps tonight"), blank=True, default="")
    safety_notes = EncryptedTextField(_("safety"), blank=True, default="")
    health_notes = EncryptedTextField(_("health"), blank=True, default="")
    justice_notes = EncryptedTextField(_("justice"), blank=True, default="")
    immigration_notes = EncryptedTextField(_("immigration"), blank=True, default="")
    social_notes = EncryptedTextField(_("social situation"), blank=True, default="")

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.ref

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part)

    @property
    def list_name(self) -> str:
        """The name as lists show it, family name first in capitals ("TRẦN Thị Mai"): the
        order and the part that is the family name stay clear whatever the culture."""
        family = (self.family_name or "").upper()
        return (
            " ".join(part for part in (family, self.given_names) if part)
            or ((self.aliases or [""])[0])
        )

    def birth_date_display(self) -> str:
        data = self.birth_date or {}
        year = data.get("year")
        if not year:
            return ""
        month, day = data.get("month"), data.get("day")
        if month and day:
            text = f"{day:02d}/{month:02d}/{year}"
        elif month:
            text = f"{month:02d}/{year}"
        else:
            text = str(year)
        return f"{text} ({_('approximate')})" if data.get("approximate") else text

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years; with a partial date, the youngest possible age."""
        data = self.birth_date or {}
        year = data.get("year")
        if not year:
            return None
        month, birth_day = data.get("month") or 12, data.get("day") or 31
        if data.get("month") and not data.get("day"):
            birth_day = 28
        return day.year - year - ((day.month, day.day) < (month, birth_day))


FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    FieldGroup.IDENTITY: (
        "family_name",
        "given_names",
        "aliases",
        "birth_date",
        "sex",
        "nationalities",
        "languages",
        "phone",
    ),
    FieldGroup.LOCATION: ("location_now",),
    FieldGroup.SAFETY: ("safety_notes",),
    FieldGroup.HEALTH: ("health_notes",),
    FieldGroup.JUSTICE: ("justice_notes",),
    FieldGroup.IMMIGRATION: ("immigration_notes",),
    FieldGroup.SOCIAL: ("social_notes",),
}


class SearchToken(models.Model):
    """Keyed blind index of a part of a name, its start or initial, a date of birth or a phone
    number, for search without plaintext (``parcours.people.search``)."""

    class Kind(models.TextChoices):
        NAME = "name"
        PREFIX = "prefix"
        INITIAL = "initial"
        BIRTH = "birth"
        PHONE = "phone"

    # The unique (person, kind, digest) serves reads by person; digest has one index, without
    # the LIKE one Django adds to an indexed CharField (searches compare digests, never a prefix).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="search_tokens", db_index=False
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "digest"], name="search_token_unique")
        ]
        indexes = [models.Index(fields=["digest"], name="search_token_digest")]

    def __str__(self):
        return f"{self.kind} token"
