"""Who may do what with consents and referrals. Deny by default.

The two sides of a referral are kept apart: the referent organisation decides what is shared
and with whom; the receiving organisation only answers.
"""

from parcours.access import rules
from parcours.access.rules import CASE_EDITOR_ROLES


def can_manage_consent(actor, case) -> bool:
    """Record or withdraw the person's consent: caseworkers and managers of the referent, who
    hold the relationship with the person (the same people who decide on participants)."""
    return rules.can_edit_case(actor, case)


def can_send_referral(actor, case) -> bool:
    """Create and send a referral: caseworkers and managers of the referent organisation, since
    a referral decides what is shared with another organisation."""
    return rules.can_edit_case(actor, case)


def can_withdraw_referral(actor, referral) -> bool:
    """Withdraw a referral: caseworkers and managers of the organisation that sent it."""
    return (
        actor is not None
        and actor.membership is not None
        and actor.role in CASE_EDITOR_ROLES
        and actor.organisation_id == referral.from_org_id
    )


def can_answer_referral(actor, referral) -> bool:
    """Acknowledge, accept or refuse: caseworkers and managers of the receiving organisation
    only (not its facility staff or investigators, not the referent, not a coordinator)."""
    return (
        actor is not None
        and actor.membership is not None
        and actor.role in CASE_EDITOR_ROLES
        and actor.organisation_id == referral.to_org_id
    )
