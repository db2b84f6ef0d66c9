"""The host's part in the case: when a facility accepts the person it takes part in the case
as the host (identity, location and social groups, on the person's agreement; for a minor, as
child protection), and when its acceptance is cancelled it stops seeing the case, unless it
hosts the person elsewhere. Participation is granted and ended through the one writer of access
(``cases.participants``); the placement lifecycle (``shelter.placement``) calls these.
"""

from parcours.cases import participants
from parcours.cases.enums import LegalBasis, ParticipantRole
from parcours.cases.models import Participant
from parcours.core.groups import FieldGroup
from parcours.shelter.enums import PlacementStatus as S
from parcours.shelter.models import Placement

HOST_GROUPS = [FieldGroup.IDENTITY, FieldGroup.LOCATION, FieldGroup.SOCIAL]


def join_as_host(actor, placement: Placement) -> Participant:
    """The facility's organisation takes part as the host (an existing participation is
    widened, and given back when the host role ends), through the one writer of access. The
    referent asked for the place with the person's consent; for a minor, placing is child
    protection and so is the sharing."""
    case = placement.case
    if participants.is_minor(case):
        basis = participants.Basis.legal(LegalBasis.CHILD_PROTECTION)
    else:
        basis = participants.Basis.consent(placement.request.consent_date)
    return participants.grant(
        actor,
        case,
        placement.facility.organisation,
        role=ParticipantRole.SHELTER,
        groups=HOST_GROUPS,
        basis=basis,
        journal_reason=f"{basis.journal_reason}:host",
    )


def end_host(actor, placement: Placement) -> None:
    """A facility whose acceptance is cancelled stops seeing the case from its next request
    (it must not learn where the person goes instead), unless it hosts them elsewhere."""
    organisation = placement.facility.organisation
    still_hosting = (
        Placement.objects.filter(
            case=placement.case,
            facility__organisation=organisation,
            status__in=[S.ACCEPTED, S.ARRIVED],
        )
        .exclude(pk=placement.pk)
        .exists()
    )
    if still_hosting:
        return
    for participation in placement.case.participants.filter(
        organisation=organisation, active=True, role=ParticipantRole.SHELTER
    ):
        participants.end(actor, participation, reason="host:cancelled")
