"""What the main menu offers this reader (a context processor): only the pages it may open, so
that no link of the menu ends on a 404."""

from parcours.access import rules
from parcours.accounts import designation
from parcours.core.roles import OrganisationKind
from parcours.reporting import triage
from parcours.shelter import batch
from parcours.shelter import rules as shelter_rules


def menu(request):
    actor = getattr(request, "actor", None)
    if actor is None or actor.membership is None:
        return {"menu": {}}
    return {
        "menu": {
            "open_case": rules.can_open_case(actor),
            "break_glass": rules.is_coordinator(actor),
            "batch_allocation": batch.can_allocate(actor),
            "referrals": actor.role != "statistician",
            "facilities": actor.organisation.kind == OrganisationKind.SHELTER_FACILITY
            and actor.role in shelter_rules.FACILITY_ROLES,
            "members": designation.can_manage_members(actor),
            "reports": triage.can_triage(actor),
        }
    }
