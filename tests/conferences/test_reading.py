"""Conferences as each reader sees them (``parcours.conferences.reading`` through the redaction
object): the host facility is named only to who may know where the person sleeps, the consent's
language only with the identity group, a cancellation's reason only with the social group, and
the conference page reads as many queries with 2 decisions as with 6."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.access.redaction import CaseView
from parcours.cases.enums import ParticipantRole, SharingBasis
from parcours.cases.services import add_participant
from parcours.conferences import minutes, reading, services
from parcours.core.actor import actor_for
from parcours.core.roles import OrganisationKind, Role
from tests import personas
from tests.conferences.conftest import JUSTICE_DECISION, consent, convene
from tests.conftest import join_case, make_persona, sign_in

HOST_DECISION = "Préparer les papiers de la personne avec elle"
HOST_NAME = "Maison Les Acacias (fictive)"
INTERPRETER = "Interprète fictif (soussou)"
CANCEL_REASON = "La personne est hospitalisée"


@pytest.fixture
def shelter(referent, case):
    """A shelter facility hosting the person: its name says where the person sleeps."""
    persona = make_persona(
        "shelterstaff",
        kind=OrganisationKind.SHELTER_FACILITY,
        role=Role.FACILITY_STAFF,
        dep="35",
        may_reveal_location=True,
    )
    organisation = persona.actor.organisation
    organisation.name = HOST_NAME  # not a prefix of another fixture organisation's name
    organisation.save(update_fields=["name"])
    add_participant(
        referent.actor,
        case,
        organisation=persona.actor.organisation,
        role=ParticipantRole.SHELTER,
        groups=["identity", "location", "social"],
        basis=SharingBasis.CONSENT,
        consent_date=timezone.localdate(),
    )
    persona.actor = actor_for(persona.user)
    return persona


@pytest.fixture
def referent_plain(referent):
    """A caseworker of the referent association not designated for locations."""
    return personas.colleague(referent, "referent_plain")


@pytest.fixture
def hosted(referent, participant, shelter, case):
    """A held conference the shelter was invited to and attended, with an identity decision
    in its charge and a justice decision for the police."""
    conference = convene(referent.actor, case, past=True)
    consent(referent.actor, conference, interpreter=INTERPRETER)
    conference.refresh_from_db()
    return services.record_conference(
        referent.actor,
        conference,
        attended=[case.referent_org, shelter.actor.organisation, participant.actor.organisation],
        decisions=[
            {"text": HOST_DECISION, "group": "identity", "owner_org": shelter.actor.organisation},
            {
                "text": JUSTICE_DECISION,
                "group": "justice",
                "owner_org": participant.actor.organisation,
            },
        ],
        expected_version=conference.version,
    )


def _detail(persona, case, conference):
    return CaseView(actor_for(persona.user), case).conference(conference)


def _owners(detail):
    return {line.text: line.owner for line in detail.decisions}


def _page(client, persona, conference):
    sign_in(client, persona)
    url = reverse("conference_detail", kwargs={"ref": conference.case.ref, "pk": conference.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Where the person sleeps -------------------------------------------------------------------


def test_the_police_never_reads_the_host_facilitys_name(client, participant, shelter, case, hosted):
    host_name = shelter.actor.organisation.name
    detail = _detail(participant, case, hosted)
    assert host_name not in repr(detail)  # no field of the page's data names it
    invited = [line.organisation for line in detail.invitations]
    assert host_name not in invited and participant.actor.organisation.name in invited
    assert len(invited) == 2  # left out, not relabelled
    # The police sees the identity decision, not who is in charge of it.
    assert _owners(detail) == {
        HOST_DECISION: str(reading.NAMELESS_OWNER),
        JUSTICE_DECISION: participant.actor.organisation.name,
    }
    assert detail.convened_by == case.referent_org.name
    lines = CaseView(actor_for(participant.user), case).conferences()
    assert [line.convened_by for line in lines] == [case.referent_org.name]
    page = _page(client, participant, hosted)
    assert host_name not in page and HOST_DECISION in page
    html = minutes.minutes_html(actor_for(participant.user), hosted)
    assert host_name not in html and HOST_DECISION in html


def test_the_referent_designated_for_locations_reads_it(
    client, referent, referent_plain, shelter, case, hosted
):
    host_name = shelter.actor.organisation.name
    detail = _detail(referent, case, hosted)
    assert host_name in [line.organisation for line in detail.invitations]
    assert _owners(detail)[HOST_DECISION] == host_name
    assert host_name in _page(client, referent, hosted)
    assert host_name in minutes.minutes_html(actor_for(referent.user), hosted)
    # A colleague of the same association, not designated for locations, does not.
    plain = _detail(referent_plain, case, hosted)
    assert host_name not in repr(plain)
    assert _owners(plain)[HOST_DECISION] == str(reading.NAMELESS_OWNER)


def test_the_host_facility_reads_its_own_name(shelter, case, hosted):
    detail = _detail(shelter, case, hosted)
    assert shelter.actor.organisation.name in [line.organisation for line in detail.invitations]
    assert _owners(detail)[HOST_DECISION] == shelter.actor.organisation.name


# The consent's language, the reason of a cancellation --------------------------------------


def test_the_consents_language_only_with_the_identity_group(
    client, referent, participant, case, hosted
):
    justice_only = personas.participant("justice_only")
    join_case(referent, case, justice_only, groups=("justice",), role="investigation")
    police = _detail(participant, case, hosted).consent
    assert (police.language, police.interpreter) == ("soussou", INTERPRETER)
    hidden = _detail(justice_only, case, hosted).consent
    assert (hidden.language, hidden.interpreter) == ("", "")
    assert hidden.given_on == police.given_on and hidden.how_label == police.how_label
    assert INTERPRETER in _page(client, participant, hosted)
    assert INTERPRETER not in _page(client, justice_only, hosted)
    html = minutes.minutes_html(actor_for(justice_only.user), hosted)
    assert INTERPRETER not in html and "soussou" not in html


def test_the_reason_of_a_cancellation_only_with_the_social_group(
    client, referent, participant, partner, planned, case
):
    services.cancel(referent.actor, planned, reason=CANCEL_REASON)
    planned.refresh_from_db()
    assert _detail(partner, case, planned).cancel_reason == CANCEL_REASON
    assert _detail(participant, case, planned).cancel_reason == ""
    assert CANCEL_REASON in _page(client, partner, planned)
    page = _page(client, participant, planned)
    assert CANCEL_REASON not in page and 'data-testid="conference-status"' in page


# Queries -----------------------------------------------------------------------------------


def _held_with(referent, case, owners, count):
    conference = convene(referent.actor, case, past=True)
    consent(referent.actor, conference)
    conference.refresh_from_db()
    decisions = [
        {"text": f"Décision {n}", "group": "social", "owner_org": owners[n % len(owners)]}
        for n in range(count)
    ]
    return services.record_conference(
        referent.actor,
        conference,
        attended=[case.referent_org],
        decisions=decisions,
        expected_version=conference.version,
    )


@pytest.mark.parametrize("reader", ["referent", "partner"])
def test_the_conference_page_reads_as_many_queries_with_6_decisions_as_with_2(
    client, request, referent, partner, shelter, case, reader
):
    owners = [case.referent_org, partner.actor.organisation, shelter.actor.organisation]
    few, many = _held_with(referent, case, owners, 2), _held_with(referent, case, owners, 6)
    persona = request.getfixturevalue(reader)
    sign_in(client, persona)
    client.get(reverse("conference_detail", kwargs={"ref": case.ref, "pk": few.pk}))  # warm up
    counts = []
    for conference in (few, many):
        url = reverse("conference_detail", kwargs={"ref": case.ref, "pk": conference.pk})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("Décision ") == conference.decisions.count()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
