"""Cases the identification tests share (all fictional)."""

from django.utils import timezone

from parcours.cases import services as cases
from parcours.cases.enums import LegalBasis, SharingBasis
from parcours.core.actor import actor_for
from tests.personas import make_persona


def girl_with_a_social_partner(referent):
    """A girl of 15 (year of birth only) and a partner association that sees only the social
    group of her case (child-protection law: no consent for a minor). Returns (case, partner)."""
    young = cases.open_case(
        referent.actor,
        {
            "given_names": "Mia",
            "family_name": "Fictive",
            "birth_date": {"year": timezone.localdate().year - 15, "approximate": True},
        },
    )
    social = make_persona("partner-social", dep="33")
    cases.add_participant(
        referent.actor,
        young,
        organisation=social.actor.organisation,
        role="support",
        groups=["social"],
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.CHILD_PROTECTION,
    )
    social.actor = actor_for(social.user)
    return young, social
