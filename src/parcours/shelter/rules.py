"""Who may do what in the safe-shelter flow. Deny by default; views call these after fetching
the case through ``parcours.access``.

- Dangers and zones: the referent's caseworkers and managers who see the safety group, and the
  case's coordinators (the safety group is a coordination group).
- Placement requests and proposals: the same people.
- Answering a proposal, recording an arrival at a facility: the facility organisation's members
  (staff, caseworkers, managers); the referent may also record an arrival.
- Overriding the danger-zone rule: a coordinator of the case only, never the referent.
- Asking for a place closer to danger than the service's distance (``SAFE_DISTANCE_KM``): a
  coordinator of the case only; a caseworker may ask for more distance, never less.
- A facility's availability: its own organisation's members (never anyone else).
"""

from parcours.access import rules
from parcours.core.groups import FieldGroup
from parcours.core.roles import Role

FACILITY_ROLES = {Role.FACILITY_STAFF, Role.CASEWORKER, Role.MANAGER}


def _member(actor) -> bool:
    return actor is not None and actor.membership is not None


def can_manage_safety(actor, case) -> bool:
    if not _member(actor) or FieldGroup.SAFETY not in rules.groups_for(actor, case):
        return False
    return rules.can_edit_case(actor, case) or is_case_coordinator(actor, case)


def is_case_coordinator(actor, case) -> bool:
    return rules.coordinates(actor, case)


def can_override(actor, case) -> bool:
    return is_case_coordinator(actor, case)


def can_lower_safe_distance(actor, case) -> bool:
    """Only a coordinator of the case (``access.rules.coordinates``, built on
    ``is_coordinator``) may ask for a place less than ``settings.SAFE_DISTANCE_KM`` from every
    danger zone: the distance is the service's protection, not a referent's preference."""
    return is_case_coordinator(actor, case)


def can_see_zones(actor, case) -> bool:
    return _member(actor) and FieldGroup.SAFETY in rules.groups_for(actor, case)


def works_for(actor, facility) -> bool:
    return (
        _member(actor)
        and actor.organisation_id == facility.organisation_id
        and actor.role in FACILITY_ROLES
    )


def can_answer(actor, placement) -> bool:
    return placement.facility_id is not None and works_for(actor, placement.facility)


def can_record_arrival(actor, placement) -> bool:
    return can_answer(actor, placement) or can_manage_safety(actor, placement.case)
