"""bench/load.py without gunicorn or Locust: its journeys' routes, its page parsing and its sign-in
(password, then a TOTP code or its software security key) against the real pages."""

import json

import pytest
from django.urls import reverse

from bench import load
from tests import personas
from tests.factories import FacilityFactory


def test_every_route_of_the_journeys_resolves_to_the_pattern_it_prints():
    for url_name, kwargs, printed in load.ROUTES.values():
        assert load.url_pattern(reverse(url_name, kwargs=kwargs)) == printed


def test_the_software_key_is_accepted_for_its_own_account_only():
    from fido2.server import Fido2Server
    from fido2.webauthn import RegistrationResponse

    def credential_data(username):
        stored = load.SoftwareKey(username).registration("127.0.0.1", "")
        parsed = RegistrationResponse.from_dict(stored)
        return parsed.response.attestation_object.auth_data.credential_data

    server = Fido2Server({"id": "127.0.0.1", "name": "Parcours"}, verify_origin=lambda o: True)
    mine = [credential_data("seed.1.coordinator.1")]
    options, state = server.authenticate_begin(mine)
    key = load.SoftwareKey("seed.1.coordinator.1")
    answer = key.assertion(dict(options), "http://127.0.0.1:8123")
    assert server.authenticate_complete(state, mine, answer).credential_id == key.credential_id

    options, state = server.authenticate_begin(mine)
    other = load.SoftwareKey("seed.2.coordinator.1").assertion(dict(options), "http://x")
    with pytest.raises(ValueError):
        server.authenticate_complete(state, mine, other)


def _password_step(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": load.BENCH_PASSWORD}
    )
    assert response.status_code == 302
    assert load.url_pattern(response["Location"]) == load.ROUTES["second_factor"][2]


@pytest.mark.django_db
def test_a_coordinator_signs_in_with_the_software_key_as_the_journey_does(client):
    territorial = personas.territorial()
    load._activate([territorial.user], "webauthn")
    _password_step(client, territorial.user)
    page = client.get(reverse("mfa_authenticate"))
    options = json.loads(load.JS_DATA.search(page.content.decode()).group(1))["request_options"]
    credential = load.SoftwareKey(territorial.user.username).assertion(options, "http://testserver")
    response = client.post(reverse("mfa_authenticate"), {"credential": json.dumps(credential)})
    assert response.status_code == 302
    assert client.get(reverse("my_cases")).status_code == 200


@pytest.mark.django_db
def test_a_key_of_another_account_does_not_sign_the_coordinator_in(client):
    territorial = personas.territorial()
    load._activate([territorial.user], "webauthn")
    _password_step(client, territorial.user)
    page = client.get(reverse("mfa_authenticate"))
    options = json.loads(load.JS_DATA.search(page.content.decode()).group(1))["request_options"]
    credential = load.SoftwareKey("someone.else").assertion(options, "http://testserver")
    response = client.post(reverse("mfa_authenticate"), {"credential": json.dumps(credential)})
    assert response.status_code != 302
    assert client.get(reverse("my_cases")).status_code == 302  # still not signed in


@pytest.mark.django_db
def test_facility_staff_sign_in_with_the_code_and_update_availability_as_the_journey_does(
    client,
):
    staff = personas.facility_staff("staff", dep="35")  # a TOTP is enough (no location right)
    facility = FacilityFactory(organisation=staff.actor.organisation, capacity=7, free=2)
    load._activate([staff.user], "totp")
    _password_step(client, staff.user)
    response = client.post(reverse("mfa_authenticate"), {"code": load.totp_code()})
    assert response.status_code == 302

    text = client.get(reverse("facility_list")).content.decode()
    found = load.AVAILABILITY_ACTION.search(text)
    assert found.group(1) == reverse("facility_availability", kwargs={"pk": facility.pk})
    form = text[found.end() : text.find("</form>", found.end())]
    assert load.input_value(form, "version") == str(facility.version)
    assert load.input_max(form, "free") == 7
    response = client.post(found.group(1), {"free": "5", "version": str(facility.version)})
    assert response.status_code == 302
    assert load.url_pattern(response["Location"]) == load.ROUTES["facilities"][2]
    facility.refresh_from_db()
    assert facility.free == 5


def test_only_the_loopback_is_accepted():
    load.loopback_only("http://127.0.0.1:8000", "the target")
    load.loopback_only("postgres://postgres@localhost:5432/x", "the database")
    with pytest.raises(SystemExit):
        load.loopback_only("http://192.0.2.10:8000", "the target")
    with pytest.raises(SystemExit):
        load.loopback_only("postgres://postgres@db.example.test/x", "the database")
