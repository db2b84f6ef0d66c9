"""Appointments: the place is shown only to attendees and to those who see the location."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.access.redaction import CaseView
from parcours.cases import appointments
from parcours.core.errors import DomainError, NotAllowed
from tests import personas
from tests.conftest import join_case, make_persona, sign_in

SOON = datetime.timedelta(days=2)


def _hearing(case, referent, participant, place="Commissariat central, bureau 12"):
    return appointments.plan(
        referent.actor,
        case,
        at=timezone.now() + SOON,
        purpose="Audition",
        place=place,
        attendees=[referent.actor.organisation, participant.actor.organisation],
    )


def test_the_attending_police_sees_the_hearing_and_its_place(case, referent, participant):
    _hearing(case, referent, participant)
    [appointment] = CaseView(participant.actor, case).appointments()
    assert appointment.purpose == "Audition" and appointment.place


def test_a_colleague_without_the_location_sees_the_appointment_not_its_place(
    case, referent, participant
):
    _hearing(case, referent, participant)
    colleague = personas.colleague(referent, "colleague-a")
    other = make_persona("ccas-a", kind="ccas")

    join_case(referent, case, other, groups=["identity", "social"], role="support")
    from parcours.core.actor import actor_for

    [seen] = CaseView(actor_for(other.user), case).appointments()
    assert not seen.place and seen.place_hidden
    [seen] = CaseView(colleague.actor, case).appointments()
    assert seen.place  # the referent organisation attends


def test_outsiders_see_nothing_and_cannot_plan(case, referent, participant, outsider):
    _hearing(case, referent, participant)
    assert CaseView(outsider.actor, case).appointments() == []
    with pytest.raises(NotAllowed):
        appointments.plan(outsider.actor, case, at=timezone.now() + SOON, purpose="x")


def test_attendees_take_part_and_the_date_is_ahead(case, referent, outsider):
    with pytest.raises(DomainError):
        appointments.plan(
            referent.actor,
            case,
            at=timezone.now() + SOON,
            purpose="x",
            attendees=[outsider.actor.organisation],
        )
    with pytest.raises(DomainError):
        appointments.plan(referent.actor, case, at=timezone.now() - SOON, purpose="x")


def test_the_place_is_hidden_on_the_page(client, case, referent, participant):
    other = make_persona("ccas-b", kind="ccas")

    join_case(referent, case, other, groups=["identity", "social"], role="support")
    _hearing(case, referent, participant, place="Commissariat central, bureau 12")
    url = reverse("case_detail", kwargs={"ref": case.ref})
    sign_in(client, other)
    page = client.get(url).content.decode()
    assert "Audition" in page and "bureau 12" not in page
    client.logout()
    sign_in(client, participant)
    assert "bureau 12" in client.get(url).content.decode()


def test_plan_from_the_page(client, case, referent, participant):
    sign_in(client, referent)
    at = (timezone.localtime() + SOON).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("case_appointment_add", kwargs={"ref": case.ref}),
        {
            "at": at,
            "purpose": "Visite médicale",
            "place": "Centre de santé",
            "attendees": [referent.actor.organisation.pk],
        },
    )
    assert response.status_code == 302
    assert case.appointments.get().purpose == "Visite médicale"
