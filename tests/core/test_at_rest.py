"""Nothing personal or locating is stored in clear (issue 9): a conference's place and the
language and interpreter of a consent (to share, or to a conference) are encrypted at rest,
read back through the models, and the migrations that encrypted them seal the existing rows.

The raw rows of every table are read, not only the model's own: a value copied into an event,
a notification or the journal would be a leak too.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from parcours.conferences.models import Conference, ConferenceConsent
from parcours.referrals import services as referral_services
from parcours.referrals.models import Consent
from tests.conferences.conftest import consent as conference_consent
from tests.conferences.conftest import convene

PLACE = "Salle SENTINELLE-LIEU 7"
LANGUAGE = "SENTINELLE-LANGUE"
INTERPRETER = "SENTINELLE-INTERPRETE"
SENTINELS = ("SENTINELLE",)  # the common stem catches each value, whole or in part


def raw_rows(tables=None):
    """``(table, row)`` for every row of ``tables`` (default: every table), as stored."""
    names = tables or connection.introspection.table_names()
    found = []
    with connection.cursor() as cursor:
        for table in names:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found += [(table, row) for row in cursor.fetchall()]
    return found


def clear_sentinels(rows):
    """The ``(table, value)`` pairs holding a sentinel in clear."""
    return [
        (table, value)
        for table, row in rows
        for value in row
        if any(sentinel in str(value) for sentinel in SENTINELS)
    ]


def sentinel_data(referent, case, participant):
    conference = convene(referent.actor, case, past=True, place=PLACE)
    conference_consent(referent.actor, conference, language=LANGUAGE, interpreter=INTERPRETER)
    consent = referral_services.record_consent(
        referent.actor,
        case,
        participant.actor.organisation,
        purpose="Orientation",
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        how="oral",
        language=LANGUAGE,
        interpreter=INTERPRETER,
    )
    return conference, consent


@pytest.mark.django_db
def test_place_language_and_interpreter_are_not_stored_in_clear(referent, participant, case):
    conference, consent = sentinel_data(referent, case, participant)

    rows = raw_rows()
    assert {"conferences_conference", "conferences_conferenceconsent", "referrals_consent"} <= {
        table for table, _row in rows
    }
    assert clear_sentinels(rows) == []

    conference = Conference.objects.get(pk=conference.pk)
    assert conference.place == PLACE
    conference_consent_row = ConferenceConsent.objects.get(conference=conference)
    assert conference_consent_row.language == LANGUAGE
    assert conference_consent_row.interpreter == INTERPRETER
    consent = Consent.objects.get(pk=consent.pk)
    assert (consent.language, consent.interpreter) == (LANGUAGE, INTERPRETER)


@pytest.mark.django_db
def test_a_blank_place_or_interpreter_is_stored_encrypted_too(referent, case):
    conference = convene(referent.actor, case, past=True, place="")
    conference_consent(referent.actor, conference, language="soussou")
    with connection.cursor() as cursor:
        cursor.execute("SELECT place FROM conferences_conference WHERE id = %s", [conference.pk])
        (place,) = cursor.fetchone()
        cursor.execute(
            "SELECT language, interpreter FROM conferences_conferenceconsent"
            " WHERE conference_id = %s",
            [conference.pk],
        )
        language, interpreter = cursor.fetchone()
    assert all(value.startswith("v1.") for value in (place, language, interpreter))
    read = ConferenceConsent.objects.get(conference=conference)
    assert (Conference.objects.get(pk=conference.pk).place, read.interpreter) == ("", "")
    assert read.language == "soussou"


BEFORE = [("conferences", "0001_initial"), ("referrals", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    """Every app's last migration: going back to ``BEFORE`` also unapplies what depends on it."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def journal_kept(django_db_blocker):
    """Requested before the database fixtures (no ``django_db`` mark, whose fixture would come
    first), so torn down after their flush: put back the journal's triggers that
    ``journal_flushable`` lifted for the flush, for the tests that follow."""
    yield
    from parcours.audit import triggers

    with django_db_blocker.unblock():
        triggers.install(connection)


def test_the_migrations_encrypt_existing_rows_and_can_be_reversed(
    journal_kept, journal_flushable, referent, participant, case
):
    conference, consent = sentinel_data(referent, case, participant)
    tables = ["conferences_conference", "conferences_conferenceconsent", "referrals_consent"]
    latest = _latest()
    try:
        _migrate(BEFORE)  # back to the plain columns: the values are decrypted into them
        assert len(clear_sentinels(raw_rows(tables))) == 5

        _migrate(latest)  # forward again: the existing rows are sealed
        assert clear_sentinels(raw_rows(tables)) == []
    finally:
        _migrate(latest)
    assert Conference.objects.get(pk=conference.pk).place == PLACE
    read = ConferenceConsent.objects.get(conference=conference)
    assert (read.language, read.interpreter) == (LANGUAGE, INTERPRETER)
    consent = Consent.objects.get(pk=consent.pk)
    assert (consent.language, consent.interpreter) == (LANGUAGE, INTERPRETER)
