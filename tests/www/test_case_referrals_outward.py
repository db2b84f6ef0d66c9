"""The case page reads the case's referrals from the case outward (issue 14, item 2): the
same referrals as the national scope cut to the case, for every persona of the matrix."""

import pytest

from parcours.access.redaction import CaseView
from parcours.referrals.models import Referral
from tests.personas import MATRIX_SIGNED_IN


@pytest.mark.parametrize("persona", MATRIX_SIGNED_IN)
def test_the_case_outward_read_equals_the_scope_cut_to_the_case(
    persona, request, matrix_referral, case
):
    fixture = {"statistician": "referent_statistician"}.get(persona, persona)
    actor = request.getfixturevalue(fixture).actor
    outward = set(CaseView(actor, case).case_referrals().values_list("pk", flat=True))
    scoped = set(Referral.objects.filter(case=case).visible_to(actor).values_list("pk", flat=True))
    assert outward == scoped


def test_a_recipient_that_does_not_see_the_case_reads_only_what_was_sent_to_it(
    referent, outsider, case
):
    import uuid

    from parcours.referrals import services as referrals
    from tests.factories import ServiceFactory
    from tests.www.conftest import give_consent

    service = ServiceFactory(organisation=outsider.actor.organisation)
    give_consent(referent, case, outsider.actor.organisation)
    sent = referrals.create_and_send(
        referent.actor, case, service, purpose="Orientation", request_token=uuid.uuid4()
    )
    view = CaseView(outsider.actor, case)
    assert not view.visible
    assert list(view.case_referrals()) == [sent]
    scoped = Referral.objects.filter(case=case).visible_to(outsider.actor)
    assert list(scoped) == [sent]
