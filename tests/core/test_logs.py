"""Logs through structlog: one line per request with its id, URL name, status and user id; the id
in ``X-Request-ID``; never a personal field, even when a name is searched."""

import io
import json
import logging

import pytest
import structlog
from django.urls import reverse
from structlog.testing import capture_logs

from parcours.core import logs
from tests.conftest import PERSON, sign_in

PERSONAL_VALUES = (
    PERSON["family_name"],
    PERSON["given_names"],
    PERSON["phone"],
    "Acacias",
    "referent",  # the user name
)


def _capture():
    """Capture what structlog logs, after the processors every line goes through (context
    variables merged, personal keys scrubbed)."""
    return capture_logs(processors=logs.SHARED_PROCESSORS)


def _requests(entries):
    return [entry for entry in entries if entry["event"] == "request"]


def test_a_request_logs_one_line_with_its_id_url_name_status_and_user(client, referent):
    sign_in(client, referent)
    with _capture() as entries:
        response = client.get(reverse("my_cases"))
    [line] = _requests(entries)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["url_name"] == "my_cases"
    assert line["status"] == 200
    assert line["user_id"] == referent.user.pk
    assert line["method"] == "GET"
    assert isinstance(line["duration_ms"], float)
    assert "path" not in line and "username" not in line


def test_each_request_has_its_own_id(client, db):
    first, second = client.get(reverse("account_login")), client.get(reverse("account_login"))
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_case_reference_is_logged_never_the_raw_path(client, referent, case):
    sign_in(client, referent)
    with _capture() as entries:
        client.get(reverse("case_detail", kwargs={"ref": case.ref}) + "?q=Amadou")
        client.get("/dossiers/Amadou-Fictif/")
    found, typed = _requests(entries)
    assert (found["url_name"], found["ref"], found["status"]) == ("case_detail", case.ref, 200)
    assert typed["url_name"] == "case_detail" and "ref" not in typed  # not a reference
    assert "Amadou" not in repr(entries)


def test_an_anonymous_request_logs_no_user(client, db):
    with _capture() as entries:
        client.get(reverse("account_login"))
    [line] = _requests(entries)
    assert line["user_id"] is None and line["status"] == 200


@pytest.mark.parametrize(
    "incoming,kept",
    [
        ("3f2b8c0e9d4a4e51b7c6a1d2e3f40516", True),  # nginx $request_id
        ("123e4567-e89b-12d3-a456-426614174000", True),  # a UUID
        ("Amadou Fictif", False),
        ("abc", False),  # too short
        ("a" * 65, False),  # too long
        ("3f2b8c0e9d4a4e51\nlevel=error", False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_it_is_a_safe_token(client, db, incoming, kept):
    with _capture() as entries:
        response = client.get(reverse("account_login"), headers={"X-Request-ID": incoming})
    [line] = _requests(entries)
    assert line["request_id"] == response["X-Request-ID"]
    assert (response["X-Request-ID"] == incoming) is kept


def test_a_posted_name_search_never_reaches_a_log_line(client, referent, case, caplog):
    sign_in(client, referent)
    with caplog.at_level(logging.DEBUG), _capture() as entries:
        client.post(reverse("my_cases"), {"q": "Amadou Fictif"})
        client.post(reverse("my_cases"), {"q": PERSON["phone"]})
    [by_name, by_phone] = _requests(entries)
    assert by_name["url_name"] == by_phone["url_name"] == "my_cases"
    assert by_name["status"] == 200
    text = repr(entries) + "\n".join(record.getMessage() for record in caplog.records)
    for value in PERSONAL_VALUES:
        assert value not in text, value


@pytest.fixture
def json_lines():
    """The production rendering (JSON lines), on a handler of its own, for one test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=logs.SHARED_PROCESSORS,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    parcours = logging.getLogger("parcours")
    parcours.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    parcours.removeHandler(handler)


def test_production_lines_are_json_with_the_request_id_and_no_personal_data(
    client, referent, case, json_lines
):
    sign_in(client, referent)
    response = client.post(reverse("my_cases"), {"q": "Amadou Fictif"})
    structlog.get_logger("parcours.test").warning("careless", family_name="Fictif", phone="06")
    request_line, careless = json_lines()
    assert request_line["request_id"] == response["X-Request-ID"]
    assert (request_line["event"], request_line["url_name"]) == ("request", "my_cases")
    assert request_line["user_id"] == referent.user.pk and request_line["level"] == "info"
    assert "family_name" not in careless and "phone" not in careless
    assert careless["scrubbed"] == ["family_name", "phone"]
    assert all(value not in json.dumps([request_line, careless]) for value in PERSONAL_VALUES)


def test_the_scrub_processor_drops_personal_keys():
    event = {
        "event": "case.opened",
        "case": "C-7K3M-Q9",
        "user_id": 4,
        "given_names": "Amadou",
        "family_name": "Fictif",
        "phone": "06 12 34 56 78",
        "email": "a@demo.invalid",
        "birth_date": {"year": 2007},
        "address": "12 rue Fictive",
        "note": "Appel",
        "reason": "Urgence",
        "text": "Libre",
        "q": "Amadou Fictif",
        "health_notes": "Suivi",
        "details": {"Phone": "06", "count": 2},
        "people": [{"given_names": "Awa", "ref": "P-7K3M-Q9"}],
    }
    cleaned = logs.scrub_personal(None, "info", event)
    assert cleaned == {
        "event": "case.opened",
        "case": "C-7K3M-Q9",
        "user_id": 4,
        "details": {"count": 2},
        "people": [{"ref": "P-7K3M-Q9"}],
        "scrubbed": sorted(
            [
                "Phone",
                "address",
                "birth_date",
                "email",
                "family_name",
                "given_names",
                "health_notes",
                "note",
                "phone",
                "q",
                "reason",
                "text",
            ]
        ),
    }
    assert logs.scrub_personal(None, "info", {"event": "x", "n": 1}) == {"event": "x", "n": 1}


def test_the_configured_chain_scrubs_every_line():
    assert logs.scrub_personal in structlog.get_config()["processors"]
