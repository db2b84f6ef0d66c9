"""My cases a page at a time (issue 14, item 2): read in order from a cursor, never an offset;
the reader's own cases first; every case seen once whichever way one walks; a count that stops
at a cap; a cursor the reader may not see reads the first page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.access import case_pages
from parcours.access.case_pages import case_page
from parcours.access.scopes import visible_cases
from parcours.cases import services
from parcours.cases.sharing_refusal import record_refusal
from tests import personas
from tests.conftest import PERSON, sign_in

NOW = timezone.now()


def _open(persona, n, *, days):
    return services.open_case(
        persona.actor,
        {**PERSON, "family_name": f"Fictif{n}"},
        opened_at=NOW - datetime.timedelta(days=days),
    )


@pytest.fixture
def shelf(referent, colleague, outsider):
    """Eleven cases of one association, opened a day apart, three of them (spread out) followed
    by the colleague; two of the same day; and one of another association."""
    cases = []
    for n in range(11):
        who = colleague if n in (1, 5, 9) else referent
        cases.append(_open(who, n, days=n if n != 4 else 3))  # 3 and 4: the same day
    _open(outsider, 99, days=0)
    return cases


def _expected(cases, user):
    """The list's order: own cases first, then the others, newest first, ties by id."""
    return sorted(
        cases, key=lambda c: (c.referent_user_id != user.pk, -c.opened_at.timestamp(), -c.pk)
    )


def _rows(html):
    return re.findall(r'class="parcours-ref" href="/dossiers/(C-[A-Z0-9-]+)/"', html)


def _walk_older(actor, size):
    page, pages = case_page(actor, size=size), []
    while True:
        pages.append([c.ref for c in page.cases])
        if not page.older:
            return pages
        page = case_page(actor, older_than=page.older, size=size)


def _walk_newer(actor, size):
    page, pages = case_page(actor, oldest=True, size=size), []
    while True:
        pages.append([c.ref for c in page.cases])
        if not page.newer:
            return pages[::-1]
        page = case_page(actor, newer_than=page.newer, size=size)


@pytest.mark.parametrize("persona", ["referent", "colleague"])
def test_walking_either_way_shows_every_case_once_in_order(persona, shelf, request):
    reader = request.getfixturevalue(persona)
    expected = [c.ref for c in _expected(shelf, reader.user)]
    older = _walk_older(reader.actor, size=3)
    assert [ref for page in older for ref in page] == expected
    assert all(len(page) == 3 for page in older[:-1])
    assert older[0][:3] == expected[:3]  # the colleague's own three come first
    newer = _walk_newer(reader.actor, size=3)
    assert [ref for page in newer for ref in page] == expected
    first = case_page(reader.actor, size=3)
    assert first.newer == "" and first.older == expected[2]
    last = case_page(reader.actor, oldest=True, size=3)
    assert last.older == "" and [c.ref for c in last.cases] == expected[-3:]


def test_filters_apply_to_every_page(shelf, referent):
    from django.db.models import Q

    mine = Q(referent_user=referent.user)
    page = case_page(referent.actor, mine, size=100)
    assert {c.ref for c in page.cases} == {c.ref for c in shelf if c.referent_user == referent.user}
    assert page.count == 8 and not page.has_other_pages


def test_a_cursor_the_reader_does_not_see_reads_the_first_page(shelf, outsider, referent):
    foreign = visible_cases(outsider.actor).get()
    page = case_page(referent.actor, older_than=foreign.ref, size=3)
    assert [c.ref for c in page.cases] == [c.ref for c in _expected(shelf, referent.user)][:3]
    assert page.newer == ""
    page = case_page(referent.actor, newer_than="C-NOTAREF", size=3)
    assert page.newer == "" and page.older


def test_the_count_stops_at_the_cap(shelf, referent, monkeypatch, client):
    assert case_page(referent.actor).count == 11
    monkeypatch.setattr(case_pages, "COUNT_CAP", 4)
    monkeypatch.setattr(case_pages.CasePage, "cap", 4)
    page = case_page(referent.actor)
    assert page.count == 5 and page.more_than_cap
    sign_in(client, referent)
    html = client.get(reverse("my_cases"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "More than 4 cases: filter them to find one." in html
    html = client.get(reverse("my_cases"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Plus de 4 dossiers : filtrez-les pour en trouver un." in html


def test_the_territorial_coordinator_pages_through_the_territory_without_refusals(
    shelf, referent, outsider
):
    coordinator = personas.territorial("coord33", dep="33")
    refused = shelf[6]
    record_refusal(referent.actor, refused)
    seen = [ref for page in _walk_older(coordinator.actor, size=4) for ref in page]
    expected = [c.ref for c in _expected(shelf, coordinator.user) if c != refused]
    assert seen == expected


def test_the_page_links_keep_the_filters_and_walk_the_list(shelf, referent, client, monkeypatch):
    from parcours.www.cases import views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    sign_in(client, referent)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    expected = [c.ref for c in _expected(shelf, referent.user)]
    html = client.get(reverse("my_cases")).content.decode()
    assert "11 cases." in html
    assert "Most recent" not in html and "Newer" not in html
    assert f'href="?apres={expected[3]}"' in html and 'href="?fin=1"' in html
    second = client.get(reverse("my_cases"), {"apres": expected[3]}).content.decode()
    assert _rows(second) == expected[4:8]
    assert f'href="?avant={expected[4]}"' in second and "Most recent" in second
    last = client.get(reverse("my_cases"), {"fin": "1"}).content.decode()
    assert _rows(last) == expected[-4:]
    assert "Older" not in last and "Oldest" not in last
    filtered = client.get(reverse("my_cases"), {"referent": "me"}).content.decode()
    assert "8 cases." in filtered
    assert re.search(r'href="\?apres=C-[A-Z0-9-]+&amp;referent=me"', filtered), filtered


def test_a_deep_page_costs_the_queries_of_a_shallow_one(shelf, referent):
    refs = [c.ref for c in _expected(shelf, referent.user)]  # 8 own cases, then 3 others
    counts = []
    for cursor in (refs[1], refs[3], refs[8], refs[9]):
        with CaptureQueriesContext(connection) as queries:
            case_page(referent.actor, older_than=cursor, size=2)
        assert not any(re.search(r"\bOFFSET\b", q["sql"]) for q in queries)
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[2] == counts[3], counts


def test_a_case_seen_for_two_reasons_is_counted_once(shelf, referent, monkeypatch):
    coordinator = personas.territorial("coord33", dep="33")
    personas.join_case(referent, shelf[2], coordinator)  # in her territory, and she takes part
    assert case_page(coordinator.actor).count == 11
    monkeypatch.setattr(case_pages, "COUNT_CAP", 10)  # the repeat falls in the cut read
    assert case_page(coordinator.actor).count == 11
    monkeypatch.setattr(case_pages, "COUNT_CAP", 11)
    assert case_page(coordinator.actor).count == 11
    seen = [ref for page in _walk_older(coordinator.actor, size=4) for ref in page]
    assert sorted(seen) == sorted(c.ref for c in shelf)
