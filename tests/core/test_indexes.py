"""Every index is written with every row: the largest tables keep only those a read needs
(issue 14: at 1,000,000 people the journal had 12 indexes on 27,000,000 entries, four of them
single columns already served by a wider index, or never read)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items() if c["index"] or c["unique"]}


@pytest.mark.parametrize(
    ("table", "columns", "served_by"),
    [
        ("audit_journalentry", ["object_ref"], "journal_object_newest"),
        ("audit_journalentry", ["related_ref"], None),
        ("people_searchtoken", ["person_id"], "search_token_unique"),
        ("cases_case", ["referent_org_id"], "case_org_opened"),
        ("cases_case", ["referent_user_id"], "case_user_opened"),
    ],
)
def test_no_index_of_a_column_a_wider_index_serves_or_nothing_reads(table, columns, served_by):
    indexes = _indexes(table)
    assert [name for name, cols in indexes.items() if cols == columns] == []
    if served_by is not None:
        assert indexes[served_by][: len(columns)] == columns


def test_search_tokens_have_one_index_of_their_digest():
    indexes = _indexes("people_searchtoken")
    assert [name for name, cols in indexes.items() if cols == ["digest"]] == ["search_token_digest"]
