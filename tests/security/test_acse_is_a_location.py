"""A referral to the national Ac.Sé network tells where the person may sleep (issue 12, item 5:
Ac.Sé became a service kind): its recipient is hidden like a shelter's."""


def test_an_acse_recipient_is_a_facility_of_the_network_to_readers_without_location(referent, case):
    """Ac.Sé shelters far away: a referral to it says where the person may sleep, like a
    shelter's (issue 12: the national network became a service kind)."""
    import uuid

    from parcours.access.redaction import location_revealing_org_ids
    from parcours.referrals import services as referrals
    from tests.factories import ServiceFactory
    from tests.personas import make_persona
    from tests.www.conftest import give_consent

    acse = make_persona("acse-national", dep="13")
    service = ServiceFactory(organisation=acse.actor.organisation, kind="acse", territory=[])
    give_consent(referent, case, acse.actor.organisation)
    referrals.create_and_send(
        referent.actor, case, service, purpose="Éloignement", request_token=uuid.uuid4()
    )
    assert acse.actor.organisation_id in location_revealing_org_ids(case)
