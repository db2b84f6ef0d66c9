"""Phone numbers in E.164 through phonenumbers: every written form of a number gives one search
index, overseas regions included; intake refuses a number that is not valid; the migration
recomputes the tokens written with the old normalisation."""

import importlib
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from parcours.cases import services
from parcours.core.crypto import keyring
from parcours.people import phones
from parcours.people.models import Person, SearchToken
from parcours.people.search import matching_person_ids
from tests.conftest import PERSON, sign_in

MIGRATION = "0002_phone_tokens_e164"
migration = importlib.import_module(f"parcours.people.migrations.{MIGRATION}")

METROPOLITAN = ["+33 (0)6 12 34 56 78", "06 12 34 56 78", "0033612345678", "+33612345678"]


@pytest.mark.parametrize("written", [*METROPOLITAN, "06.12.34.56.78", "+33 6 12 34 56 78"])
def test_every_form_of_a_french_mobile_gives_one_e164(written):
    assert phones.to_e164(written) == "+33612345678"


def test_every_form_gives_the_same_blind_index():
    assert len({phones.phone_digest(written) for written in METROPOLITAN}) == 1


@pytest.mark.parametrize(
    "written,e164",
    [
        ("0692 12 34 56", "+262692123456"),  # Réunion mobile
        ("0262 16 12 34", "+262262161234"),  # Réunion landline
        ("+262 692 12 34 56", "+262692123456"),
        ("00262692123456", "+262692123456"),
        ("+33 6 92 12 34 56", "+262692123456"),  # written with France's code by mistake
        ("0639 01 23 45", "+262639012345"),  # Mayotte mobile
        ("0269 60 12 34", "+262269601234"),  # Mayotte landline
        ("0690 00 12 34", "+590690001234"),  # Guadeloupe
        ("0590 20 12 34", "+590590201234"),
        ("0696 20 12 34", "+596696201234"),  # Martinique
        ("0596 30 12 34", "+596596301234"),
        ("0694 20 12 34", "+594694201234"),  # Guyane
        ("0594 10 12 34", "+594594101234"),
    ],
)
def test_overseas_regions_keep_their_own_code(written, e164):
    assert phones.to_e164(written) == e164


def test_a_foreign_number_keeps_its_country():
    assert phones.to_e164("+40 721 234 567") == "+40721234567"  # Romania
    assert phones.to_e164("0040 721 234 567") == "+40721234567"
    # Written nationally it is read as French, which it is not: no E.164 form.
    assert phones.to_e164("0721 234 567") is None


@pytest.mark.parametrize("written", ["", "12345", "06 12 34", "Amadou Fictif", "+33 1"])
def test_what_is_not_a_valid_number_has_no_e164(written):
    assert phones.to_e164(written) is None
    assert not phones.is_valid(written)


def test_a_stored_number_phonenumbers_does_not_validate_is_indexed_by_its_digits():
    assert phones.search_form("07 00 00 02 02") == "0700000202"
    assert phones.search_form("12345") == ""  # too short to be searched as a phone


@pytest.mark.parametrize(
    "stored,searched",
    [
        ("06 12 34 56 78", METROPOLITAN),
        ("+33 (0)6 12 34 56 78", METROPOLITAN),
        ("0692 12 34 56", ["+262 692 12 34 56", "00262692123456", "0692123456"]),
        ("0639 01 23 45", ["+262 639 01 23 45", "0639012345"]),
        ("+40 721 234 567", ["0040721234567", "+40721234567"]),
    ],
)
def test_search_by_any_written_form_finds_the_person(referent, stored, searched):
    case = services.open_case(referent.actor, {**PERSON, "phone": stored})
    for query in searched:
        assert matching_person_ids(query) == {case.person_id}, query


def test_a_reunion_number_is_not_found_as_a_metropolitan_one(referent):
    services.open_case(referent.actor, {**PERSON, "phone": "0692 12 34 56"})
    assert matching_person_ids("+33 6 12 34 56 78") == set()


def _intake(client, referent, phone):
    sign_in(client, referent)
    data = {"family_name": "Fictif", "given_names": "Moussa", "sex": "M", "phone": phone}
    return client.post(reverse("case_open"), {**data, "intake_token": str(uuid.uuid4())})


def test_intake_refuses_an_invalid_number_with_a_clear_message(client, referent):
    response = _intake(client, referent, "0721 234 567")
    assert response.status_code == 400
    assert "Saisissez un numéro de téléphone valide" in response.content.decode()
    assert "+40 721 234 567" in response.content.decode()
    assert Person.objects.count() == 0


def test_intake_keeps_a_valid_number_as_written_and_indexes_its_e164(client, referent):
    response = _intake(client, referent, "+33 (0)6 12 34 56 78")
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.phone == "+33 (0)6 12 34 56 78"
    assert matching_person_ids("06 12 34 56 78") == {person.pk}


def _old_token(person):
    """The phone token as the old normalisation wrote it (0692... read as 33692...)."""
    SearchToken.objects.filter(person=person, kind=SearchToken.Kind.PHONE).delete()
    SearchToken.objects.create(
        person=person,
        kind=SearchToken.Kind.PHONE,
        digest=migration._old_digest(person.phone),
    )


def _run(function):
    """Run a function of the migration with the historical models it is written against (the
    schema editor is only asked for its connection)."""
    apps = MigrationLoader(connection).project_state(("people", MIGRATION)).apps
    function(apps, SimpleNamespace(connection=connection))


def test_the_migration_recomputes_old_tokens(referent):
    reunion = services.open_case(referent.actor, {**PERSON, "phone": "0692 12 34 56"}).person
    bracket = services.open_case(referent.actor, {**PERSON, "phone": "+33 (0)6 98 76 54 32"})
    none = services.open_case(referent.actor, {**PERSON, "phone": ""}).person
    for person in (reunion, bracket.person):
        _old_token(person)
    assert matching_person_ids("+262 692 12 34 56") == set()  # what the old tokens missed
    assert matching_person_ids("06 98 76 54 32") == set()

    _run(migration.to_e164)

    assert matching_person_ids("+262 692 12 34 56") == {reunion.pk}
    assert matching_person_ids("06 98 76 54 32") == {bracket.person_id}
    assert not SearchToken.objects.filter(person=none, kind=SearchToken.Kind.PHONE).exists()
    assert SearchToken.objects.filter(kind=SearchToken.Kind.PHONE).count() == 2
    # name tokens are left alone
    assert matching_person_ids("Amadou Fictif") == {reunion.pk, bracket.person_id, none.pk}


def test_the_migration_goes_back_to_the_old_tokens(referent):
    person = services.open_case(referent.actor, {**PERSON, "phone": "0692 12 34 56"}).person
    _run(migration.to_old_form)
    token = SearchToken.objects.get(person=person, kind=SearchToken.Kind.PHONE)
    assert token.digest == keyring().blind_index("33692123456", phones.PHONE_PURPOSE)
