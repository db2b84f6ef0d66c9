"""A person who refuses all sharing leaves the territorial coordination's scope (issue 9, leak 7).

The coordination of the département is still told, anonymously, that someone is counted; it no
longer lists the case, opens it, reads the person or finds them by name. Only break-glass, with
a written reason, opens it. The referent organisation keeps everything.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from parcours.access import breakglass, rules
from parcours.access.scopes import visible_cases, visible_people
from parcours.alerts import inbox
from parcours.cases.enums import EventKind, LegalBasis, ParticipantRole, SharingBasis
from parcours.cases.models import Case, Participant
from parcours.cases.sharing_refusal import record_refusal
from parcours.cases.timeline import add_event
from parcours.core.groups import ALL_GROUPS
from tests import personas
from tests.conftest import sign_in

REASON = "Appel de la gendarmerie : la personne est signalée en danger immédiat ce soir."
NAME = "Amadou Fictif"


@pytest.fixture
def territorial(db):
    return personas.territorial("coord33", dep="33")


@pytest.fixture
def refused(referent, territorial, case):
    assert case in visible_cases(territorial.actor)  # its territory, before the refusal
    record_refusal(referent.actor, case)
    case.refresh_from_db()
    return case


def _my_cases(client, name=None):
    if name is None:
        return client.get(reverse("my_cases")).content.decode()
    return client.post(reverse("my_cases"), {"q": name}).content.decode()


def test_the_refusal_is_dated_once(referent, case):
    record_refusal(referent.actor, case)
    first = Case.objects.get(pk=case.pk).sharing_refused_at
    event = case.events.get(kind=EventKind.SHARING_REFUSED)
    assert first == event.at
    record_refusal(referent.actor, case)
    assert Case.objects.get(pk=case.pk).sharing_refused_at == first


def test_the_territorial_coordinator_no_longer_sees_the_case(territorial, refused):
    actor = territorial.actor
    assert refused not in visible_cases(actor)
    assert refused.person not in visible_people(actor)
    assert not rules.can_view_case(actor, refused)
    assert rules.groups_for(actor, refused) == frozenset()


def test_nor_on_its_pages(client, territorial, refused):
    sign_in(client, territorial)
    assert refused.ref not in _my_cases(client)
    found = _my_cases(client, NAME)
    assert refused.ref not in found and refused.person.ref not in found
    assert 'data-testid="no-case"' in found
    assert refused.ref not in _my_cases(client, "06 12 34 56 78")
    assert client.get(reverse("case_detail", kwargs={"ref": refused.ref})).status_code == 404
    person_page = reverse("person_detail", kwargs={"ref": refused.person.ref})
    assert client.get(person_page).status_code == 404


def test_it_is_still_counted_anonymously(territorial, refused):
    (notification,) = inbox.for_actor(territorial.actor)
    assert notification.kind == "sharing_refused"
    assert (notification.ref, notification.link) == ("", "")
    assert notification.params == {"departement": "Gironde (33)"}


def test_break_glass_still_opens_it(client, territorial, refused):
    breakglass.open_case(territorial.actor, refused.ref, REASON)
    actor = territorial.actor
    assert refused in visible_cases(actor)
    assert rules.can_view_case(actor, refused)
    sign_in(client, territorial)
    assert refused.ref in _my_cases(client)
    assert client.get(reverse("case_detail", kwargs={"ref": refused.ref})).status_code == 200


def test_a_coordination_taking_part_itself_still_sees_it(referent, territorial, refused):
    Participant.objects.create(
        case=refused,
        organisation=territorial.actor.organisation,
        role=ParticipantRole.SUPPORT,
        groups=["identity"],
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.SOCIAL_ACTION,
        added_at=timezone.now(),
        added_by=referent.user,
    )
    rules.forget()
    assert refused in visible_cases(territorial.actor)
    assert rules.can_view_case(territorial.actor, refused)


def test_the_referent_keeps_everything(client, referent, refused):
    assert refused in visible_cases(referent.actor)
    assert rules.groups_for(referent.actor, refused) == ALL_GROUPS
    sign_in(client, referent)
    assert refused.ref in _my_cases(client)
    assert refused.ref in _my_cases(client, NAME)
    assert client.get(reverse("case_detail", kwargs={"ref": refused.ref})).status_code == 200
    person_page = reverse("person_detail", kwargs={"ref": refused.person.ref})
    assert client.get(person_page).status_code == 200


def test_another_case_of_the_territory_stays_visible(referent, territorial, refused):
    from parcours.cases import services
    from tests.conftest import PERSON

    other = services.open_case(referent.actor, {**PERSON, "family_name": "Autre"})
    assert list(visible_cases(territorial.actor)) == [other]


def test_refusals_recorded_before_the_field_are_dated_by_the_migration(referent, case):
    event = add_event(case, referent.actor, EventKind.SHARING_REFUSED)
    Event = apps.get_model("cases", "Event")
    Event.objects.filter(pk=event.pk).update(at=event.at - datetime.timedelta(days=3))
    migration = importlib.import_module(
        "parcours.cases.migrations.0009_sharing_refused_at_scope_index"
    )
    migration.backfill_sharing_refused_at(apps, None)
    case.refresh_from_db()
    assert case.sharing_refused_at == event.at - datetime.timedelta(days=3)
