"""Field groups: a person's data is split into groups, each with its own audience, and what each
role may ever see of them (the kernel: the permission layer and every app read these)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.roles import Role


class FieldGroup(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    LOCATION = "location", _("Location (where the person sleeps)")
    SAFETY = "safety", _("Safety")
    HEALTH = "health", _("Health")
    JUSTICE = "justice", _("Justice")
    IMMIGRATION = "immigration", _("Immigration")
    SOCIAL = "social", _("Social situation")


ALL_GROUPS = frozenset(FieldGroup.values)

# What each role may ever see, whatever its organisation was granted on a case. The effective
# groups are the intersection of this cap and what the case grants the organisation.
ROLE_GROUP_CAP: dict[str, frozenset[str]] = {
    Role.CASEWORKER: ALL_GROUPS,
    Role.MANAGER: ALL_GROUPS,
    Role.COORDINATOR: ALL_GROUPS - {FieldGroup.HEALTH},
    Role.INVESTIGATOR: frozenset(
        {FieldGroup.IDENTITY, FieldGroup.SAFETY, FieldGroup.JUSTICE, FieldGroup.IMMIGRATION}
    ),
    Role.FACILITY_STAFF: frozenset(
        {FieldGroup.IDENTITY, FieldGroup.LOCATION, FieldGroup.HEALTH, FieldGroup.SOCIAL}
    ),
    Role.STATISTICIAN: frozenset(),
}

# What a coordinator's organisation sees on cases of its territory without being a participant.
COORDINATION_GROUPS = frozenset(
    {FieldGroup.IDENTITY, FieldGroup.LOCATION, FieldGroup.SAFETY, FieldGroup.SOCIAL}
)

# Default groups shared with a new participant: the minimum.
MINIMUM_GROUPS = frozenset({FieldGroup.IDENTITY})


def sorted_groups(groups) -> list[str]:
    order = list(FieldGroup.values)
    return sorted(set(groups), key=order.index)
