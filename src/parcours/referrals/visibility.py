"""Which referrals an actor sees.

- Those of the cases the actor sees (``parcours.access.scopes.visible_cases``): the referent,
  the participants and the territory's coordinators follow every orientation of the pathway.
- Those addressed to the actor's organisation, once sent (never a draft). Before accepting,
  the recipient sees the referral itself (service, purpose, urgency, shared-group list, status)
  but no data of the person: the case stays out of its ``visible_cases`` until acceptance makes
  it a participant.
Statisticians see none (aggregates only).
"""

from django.db.models import Q, QuerySet

from parcours.access.scopes import visible_cases
from parcours.core.roles import Role
from parcours.referrals.enums import ReferralStatus


def visible_referrals(actor, queryset: QuerySet | None = None) -> QuerySet:
    from parcours.referrals.models import Referral

    queryset = Referral.objects.all() if queryset is None else queryset
    if actor is None or actor.membership is None or actor.role == Role.STATISTICIAN:
        return queryset.none()
    addressed = Q(to_org_id=actor.organisation_id) & ~Q(status=ReferralStatus.DRAFT)
    return queryset.filter(Q(case__in=visible_cases(actor).values("pk")) | addressed)
