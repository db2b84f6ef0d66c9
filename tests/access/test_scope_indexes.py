"""The scopes are driven by indexes: no page that lists or opens a case reads every case.

PostgreSQL only (SQLite's planner is another story). ``enable_seqscan = off`` makes the planner
pick an index whenever one can serve, so a sequential scan left in the plan, or an index read
from end to end with no condition, means no index can drive that query: at a million people it
reads every case and participant of the country.

On a cluster with autovacuum on, an ANALYZE that ran while a table was empty (the tests roll
back what they write) lets the planner read a tiny table end to end, and these tests may fail
for that alone: CI's cluster runs with autovacuum off.
"""

import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.access import breakglass
from parcours.access.scopes import visible_cases, visible_people
from parcours.access.shortcuts import get_case_or_404, get_person_or_404
from parcours.cases import services
from tests import personas
from tests.conftest import PERSON, sign_in

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's (EXPLAIN)"
)

WATCHED = {"cases_case", "cases_participant", "people_searchtoken", "access_breakglassgrant"}
REASON = "Appel du 115 : la personne est signalée en danger immédiat ce soir, fictif."


def _plan(sql: str, params=()) -> dict:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (row,) = cursor.fetchall()
    document = row[0] if not isinstance(row[0], str) else json.loads(row[0])
    return document[0]["Plan"]


def _nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def assert_index_driven(sql: str, params=()) -> None:
    """No sequential scan of a watched table; every index read on one has a condition."""
    plan = _plan(sql, params)
    nodes = list(_nodes(plan))
    text = json.dumps(plan, indent=1)
    used = [n for n in nodes if n["Node Type"] in {"Index Scan", "Index Only Scan"}]
    bitmaps = [n for n in nodes if n["Node Type"] == "Bitmap Index Scan"]
    assert used or bitmaps, text
    for node in nodes:
        table = node.get("Relation Name")
        if node["Node Type"] == "Seq Scan":
            assert table not in WATCHED, f"sequential scan of {table}:\n{text}"
        if node["Node Type"] in {"Index Scan", "Index Only Scan"} and table in WATCHED:
            assert "Index Cond" in node, f"{table} read from end to end:\n{text}"
    for node in bitmaps:
        assert "Index Cond" in node, text


def assert_queryset_index_driven(queryset) -> None:
    sql, params = queryset.query.sql_with_params()
    assert_index_driven(sql, params)


def _captured(queries, needle: str) -> list[str]:
    return [q["sql"] for q in queries if needle in q["sql"]]


@pytest.fixture
def territorial(db):
    return personas.territorial("coord33", dep="33")


@pytest.fixture
def more_cases(referent, outsider):
    """A few other cases, here and elsewhere, so that the scope has something to leave out."""
    for n in range(3):
        services.open_case(referent.actor, {**PERSON, "family_name": f"Fictif{n}"})
        services.open_case(outsider.actor, {**PERSON, "family_name": f"Autre{n}"})


@pytest.mark.parametrize("persona", ["referent", "participant", "territorial"])
def test_the_case_list_scope_is_index_driven(persona, case, more_cases, request):
    actor = request.getfixturevalue(persona).actor
    cases = visible_cases(actor).select_related("referent_org", "person").order_by("-opened_at")
    assert case in cases.all()
    assert_queryset_index_driven(cases)
    assert_queryset_index_driven(cases[:25])
    assert_queryset_index_driven(visible_cases(actor).filter(status="open").order_by())
    assert_queryset_index_driven(visible_people(actor))


def test_the_break_glass_clause_is_index_driven(case, more_cases, coordinator):
    breakglass.open_case(coordinator.actor, case.ref, REASON)
    cases = visible_cases(coordinator.actor)
    assert list(cases) == [case]
    assert_queryset_index_driven(cases)


@pytest.mark.parametrize("persona", ["referent", "participant", "territorial"])
def test_the_case_page_and_person_page_lookups_are_index_driven(persona, case, more_cases, request):
    actor = request.getfixturevalue(persona).actor
    with CaptureQueriesContext(connection) as queries:
        assert get_case_or_404(actor, case.ref) == case
    (sql,) = _captured(queries, '"cases_case"')
    assert_index_driven(sql)
    person = case.person
    with CaptureQueriesContext(connection) as queries:
        assert get_person_or_404(actor, person.ref) == person
    (sql,) = _captured(queries, '"people_person"')
    assert_index_driven(sql)


@pytest.mark.parametrize("persona", ["referent", "territorial"])
def test_the_name_search_is_scoped_in_sql_and_index_driven(
    persona, client, case, more_cases, request
):
    # A country's worth of other people's tokens, and the statistics that say so: on a handful
    # of rows the planner may read the whole (person_id) index rather than look the digests up,
    # which proves nothing either way.
    from parcours.people.models import SearchToken

    other = services.open_case(request.getfixturevalue("outsider").actor, PERSON).person
    SearchToken.objects.bulk_create(
        SearchToken(person=other, kind="name", digest=f"{n:032x}") for n in range(20000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_searchtoken")
    sign_in(client, request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as queries:
        page = client.post(reverse("my_cases"), {"q": "Amadou Fictif"})
    assert page.status_code == 200
    assert case.ref in page.content.decode()
    searches = _captured(queries, '"people_searchtoken"')
    scoped = [sql for sql in searches if '"cases_case"' in sql]
    assert scoped, "the search reads the tokens inside the case query"
    for sql in searches:
        if sql not in scoped:
            # The ranking reads the tokens of the people that query found, by their ids: never
            # a national read of the tokens.
            assert re.search(r'"people_searchtoken"\."person_id" IN \(\d+(, \d+)*\)', sql), sql
        assert_index_driven(sql)


@pytest.mark.parametrize("persona", ["referent", "participant", "territorial"])
@pytest.mark.parametrize("where", [{}, {"fin": "1"}, {"apres": "case"}, {"avant": "case"}])
def test_the_pages_of_my_cases_are_read_from_indexes(
    persona, where, client, case, more_cases, request
):
    reader = request.getfixturevalue(persona)
    sign_in(client, reader)
    where = {key: case.ref if value == "case" else value for key, value in where.items()}
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("my_cases"), where)
    assert page.status_code == 200
    listed = _captured(queries, '"cases_case"')
    assert listed
    for sql in listed:
        assert "OFFSET" not in sql, sql
        assert_index_driven(sql)
