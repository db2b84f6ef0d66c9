"""Shared fixtures: the personas every permission test uses (defined in ``tests.personas``).

- ``referent``: caseworker of the association that holds the case (Gironde);
- ``participant``: investigator of a police unit taking part with identity + justice;
- ``outsider``: caseworker of an association elsewhere (Rhône) with nothing to do with the case;
- ``coordinator``: coordinator of the national coordination;
- ``host``: staff of a shelter organisation;
- ``territorial``: coordinator of the territorial coordination of Gironde;
- ``colleague``: another caseworker of the referent's association, not designated for locations;
- ``statistician``: statistician of a national coordination;
- anonymous: the plain ``client``.

The helpers of ``tests.personas`` stay importable from here (``make_persona``, ``join_case``,
``sign_in``...). ``clock`` freezes time (time-machine) for deadline and session tests. Every
test also fails when a template renders an unknown variable (``INVALID[...]``, see
``_no_invalid_template_variable``).
"""

import re

import pytest

from tests import personas
from tests.personas import (  # noqa: F401  (importable from tests.conftest, as before)
    PASSWORD,
    PERSON,
    TEST_TOTP_SECRET,
    Persona,
    join_case,
    make_persona,
    sign_in,
    sign_in_by_form,
    totp_code,
)


@pytest.fixture(autouse=True)
def _fresh_network_table():
    """Each test builds its own shelter network; ids are reused after a rollback, so the
    per-process ranking table (``shelter.network.table``) must not outlive a test."""
    from parcours.shelter.network import forget_table

    forget_table()
    yield
    forget_table()


@pytest.fixture(autouse=True)
def _fresh_worker_schedule():
    """The worker remembers, per process, when its daily steps last ran: each test's rounds
    start as a new worker's do (every step due)."""
    from parcours.alerts import worker

    worker._last_runs.clear()
    yield
    worker._last_runs.clear()


@pytest.fixture(autouse=True)
def _service_language():
    """Each test starts in the service's language (French): a page asked in English leaves
    English active in the thread (``LocaleMiddleware``), which must not reach the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def referent(db):
    return personas.referent()


@pytest.fixture
def participant(db):
    return personas.participant()


@pytest.fixture
def outsider(db):
    return personas.outsider()


@pytest.fixture
def host(db):
    """Staff of a shelter organisation (may see where people sleep: it is their house)."""
    return personas.host()


@pytest.fixture
def coordinator(db):
    return personas.coordinator()


@pytest.fixture
def territorial(db):
    """Coordinator of the territorial coordination of Gironde (the ``case`` fixture's)."""
    return personas.territorial()


@pytest.fixture
def colleague(referent):
    """Another caseworker of ``referent``'s association, not designated for locations."""
    return personas.colleague(referent)


@pytest.fixture
def statistician(db):
    """Statistician of a national coordination: figures only, never a case."""
    return personas.statistician()


@pytest.fixture
def case(referent, participant):
    """A case held by ``referent``'s association; ``participant`` sees identity and justice."""
    return personas.open_case(referent, participant)


@pytest.fixture
def clock():
    """Time frozen at the start of the test (time-machine); ``clock.shift(seconds or
    timedelta)`` lets time pass. Everything reads the frozen time: ``timezone.now()``,
    ``time.time()``, the dates Django writes. Ask for it before the fixtures that build data."""
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def journal_flushable(transactional_db):
    """For transactional tests (live server): lift the journal's triggers before the database is
    flushed at teardown, since a flush deletes rows the triggers protect. Tests of the triggers
    reinstall them first (``parcours.audit.triggers.install``)."""
    from django.db import connection

    from parcours.audit import triggers

    yield
    triggers.remove(connection)


# --- Unknown template variables -------------------------------------------------------------
# In test mode an unknown variable renders as "INVALID[name]" (tests/settings.py). Any template
# rendered during a test (a page through the test client, an e-mail, the PDF minutes) that
# shows one fails the test at once, naming the template and the variables; so does a response
# of the test client whose body shows one. Beware: with this setting Django skips the filters of
# an unknown variable, so ``{{ missing|default:"-" }}`` shows INVALID[missing] too (the
# context should carry the variable, even as None).
INVALID_MARK = "INVALID["
_INVALID = re.compile(r"INVALID\[([^\]]*)\]")

# Templates of third-party packages (not ours to fix) and the unknown variables they are known to
# render; anything else in them still fails.
THIRD_PARTY_KNOWN = {
    # allauth's form has this field only when passkey login is enabled (it is not): harmless.
    "mfa/webauthn/add_form.html": {"form.passwordless.auto_id"},
}


def invalid_variables(text) -> set[str]:
    """The unknown variables a rendered text shows."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return set(_INVALID.findall(text)) if INVALID_MARK in text else set()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "known_invalid_variables(*names, reason): the test renders these unknown template "
        "variables (a known template defect, reported); strict: fails once they are gone",
    )


def _ours(template) -> bool:
    from django.conf import settings

    origin = getattr(getattr(template, "origin", None), "name", "") or ""
    return not origin or str(origin).startswith(str(settings.BASE_DIR))


@pytest.fixture(autouse=True)
def _no_invalid_template_variable(request, monkeypatch):
    from django.template.backends.django import Template
    from django.test.client import Client

    marker = request.node.get_closest_marker("known_invalid_variables")
    known = set(marker.args) if marker else set()
    tolerated: set[str] = set()  # known variables actually rendered
    render, client_request = Template.render, Client.request

    def checked_render(self, *args, **kwargs):
        output = render(self, *args, **kwargs)
        if unknown := invalid_variables(output):
            name = getattr(self.template, "name", None) or "<string>"
            allowed = known if _ours(self.template) else known | THIRD_PARTY_KNOWN.get(name, set())
            tolerated.update(unknown & allowed)
            if unknown - allowed:
                pytest.fail(
                    f"template {name} renders unknown variables: "
                    + ", ".join(sorted(unknown - allowed))
                )
        return output

    def checked_request(self, **kwargs):
        response = client_request(self, **kwargs)
        if not getattr(response, "streaming", False):
            if unknown := invalid_variables(response.content) - tolerated:
                pytest.fail(
                    f"{kwargs.get('PATH_INFO')} shows unknown variables: "
                    + ", ".join(sorted(unknown))
                )
        return response

    monkeypatch.setattr(Template, "render", checked_render)
    monkeypatch.setattr(Client, "request", checked_request)
    yield
    if missing := known - tolerated:
        pytest.fail(
            "known_invalid_variables: no longer rendered, remove them from the marker: "
            + ", ".join(sorted(missing))
        )
