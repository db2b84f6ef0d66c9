"""A person who refuses all sharing is still counted: the coordinations get an anonymous
notification (département only), once."""

import pytest
from django.urls import reverse

from parcours.alerts import inbox
from parcours.alerts.models import Notification
from parcours.cases.sharing_refusal import record_refusal
from parcours.core.errors import NotAllowed
from tests import personas
from tests.conftest import sign_in


@pytest.fixture
def territorial(db):
    return personas.territorial("coord33", dep="33")


def test_the_coordinations_are_told_without_anything_identifying(
    referent, coordinator, territorial, case
):
    assert record_refusal(referent.actor, case) == 2
    for persona in (coordinator, territorial):
        (notification,) = inbox.for_actor(persona.actor)
        assert notification.kind == "sharing_refused"
        assert (notification.ref, notification.link) == ("", "")
        assert notification.params == {"departement": "Gironde (33)"}
        assert case.ref not in notification.title and case.ref not in notification.dedup_key
        assert "Gironde (33)" in notification.title


def test_another_territory_is_not_told(referent, case):
    other = personas.territorial("coord69", dep="69")
    record_refusal(referent.actor, case)
    assert list(inbox.for_actor(other.actor)) == []


def test_recording_twice_counts_once(referent, coordinator, case):
    record_refusal(referent.actor, case)
    assert record_refusal(referent.actor, case) == 0
    assert Notification.objects.filter(kind="sharing_refused").count() == 1
    assert case.events.filter(kind="sharing_refused").count() == 1


def test_only_the_referent_records_it(participant, coordinator, case):
    with pytest.raises(NotAllowed):
        record_refusal(participant.actor, case)
    assert not Notification.objects.exists()


def test_the_case_page_records_it(client, referent, coordinator, case):
    sign_in(client, referent)
    client.post(reverse("case_sharing_refused", kwargs={"ref": case.ref}))
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert 'data-testid="sharing-refused"' in page
    assert inbox.unread_count(coordinator.actor) == 1
