"""Who may do what with case conferences. Deny by default.

A conference is part of the case: whoever may see the case sees that it exists, and sees of its
agenda and decisions only the items in the field groups it sees (``groups_for``). Everybody else
gets a 404 from the pages.
"""

from parcours.access import rules
from parcours.access.rules import CASE_EDITOR_ROLES
from parcours.cases.enums import CaseStatus


def can_convene(actor, case) -> bool:
    """Convene a conference on a case that is not closed: caseworkers and managers of the
    referent organisation (who hold the pathway), or a coordinator who coordinates the case
    (its territory's coordination, or an unexpired exceptional access)."""
    if case.status == CaseStatus.CLOSED:
        return False
    return (
        rules.is_referent(actor, case) and actor.role in CASE_EDITOR_ROLES
    ) or rules.coordinates(actor, case)


def can_view_conference(actor, conference) -> bool:
    """Those who may see the case: the referent, active participants and the coordination."""
    return rules.can_view_case(actor, conference.case)


def can_manage_conference(actor, conference) -> bool:
    """Record attendance and decisions, or cancel: the same people who may convene one on the
    case (the referent's caseworkers and managers, a coordinator of the case)."""
    return can_convene(actor, conference.case)


def can_record_consent(actor, conference) -> bool:
    """Record the person's consent to the discussion: caseworkers and managers of the referent,
    who hold the relationship with the person (as for consents to share)."""
    return rules.can_edit_case(actor, conference.case)


def can_read_minutes(actor, conference) -> bool:
    """Download the minutes of a held conference: whoever sees the case (filtered by groups)."""
    return can_view_conference(actor, conference)


def organisation_groups(case, organisation) -> frozenset[str]:
    """The groups an organisation (not one of its members) sees on the case: all of them for the
    referent, the shared groups for an active participant, none otherwise. A decision goes only
    to an organisation that may read it."""
    from parcours.core.groups import ALL_GROUPS

    if organisation.pk == case.referent_org_id:
        return ALL_GROUPS
    participation = case.participants.filter(organisation=organisation, active=True).first()
    return frozenset(participation.groups) if participation else frozenset()
