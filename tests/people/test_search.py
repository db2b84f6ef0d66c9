"""Search as a caseworker types: any part of a name in any order, capitals or not, with or
without diacritics, initials, a partial date of birth; inside the reader's own scope; ranked,
with why each matched; no name in clear in the index (issue 11, point 2)."""

import pytest
from django.utils import translation

from parcours.cases import services
from parcours.people.models import SearchToken
from parcours.people.search import matching_person_ids, parse, rank
from tests.conftest import sign_in
from tests.personas import join_case

MAI = {
    "family_name": "Trần",
    "given_names": "Thị Mai",
    "birth_date": {"year": 1998, "month": 4, "day": 12, "approximate": False},
    "sex": "F",
}


def _open(persona, **person):
    return services.open_case(persona.actor, person)


def _search(client, query):
    client.cookies["django_language"] = "en"
    return client.post("/dossiers/", {"q": query, "status": "", "referent": ""})


@pytest.fixture
def mai(referent):
    return _open(referent, **MAI)


@pytest.mark.parametrize(
    "query",
    [
        "tran t mai",
        "MAI TRAN",
        "Trần Thị Mai",
        "thi",
        "T. Mai",
        "tran 1998",
        "mai 04/1998",
        "Mai 12/04/1998",
        "1998-04-12",
        "tra",  # the start of a name
    ],
)
def test_a_caseworker_finds_her_by_what_she_types(mai, referent, client, query):
    sign_in(client, referent)
    page = _search(client, query).content.decode()
    assert mai.ref in page, query
    assert "TRẦN Thị Mai" in page  # the reader sees identity: the name, not only the reference


@pytest.mark.parametrize("query", ["tran x mai", "mai 1999", "mai 05/1998", "tranh", "nguyen"])
def test_a_term_that_does_not_fit_finds_nothing(mai, referent, client, query):
    sign_in(client, referent)
    page = _search(client, query).content.decode()
    assert mai.ref not in page, query
    assert 'data-testid="no-case"' in page


def test_cedilla_and_comma_below_are_the_same_letter(referent):
    comma = _open(referent, family_name="Ștefănescu", given_names="Ioana")
    cedilla = _open(referent, family_name="Ştefănescu", given_names="Ion")
    assert matching_person_ids("stefanescu") == {comma.person_id, cedilla.person_id}
    assert matching_person_ids("Ştefănescu ioana") == {comma.person_id}
    assert matching_person_ids("Ștefănescu ION") == {cedilla.person_id}


def test_letters_without_a_decomposition_are_transliterated(referent):
    dang = _open(referent, family_name="Đặng", given_names="Văn Hùng")
    lukasz = _open(referent, family_name="Wałęsa", given_names="Łukasz")
    olga = _open(referent, family_name="Иванова", given_names="Ольга")
    assert matching_person_ids("dang van hung") == {dang.person_id}
    assert matching_person_ids("lukasz walesa") == {lukasz.person_id}
    assert matching_person_ids("olga ivanova") == {olga.person_id}


def test_a_partial_date_of_birth_is_found_by_a_full_date_ranked_lower(referent):
    known = _open(
        referent,
        family_name="Diallo",
        given_names="Awa",
        birth_date={"year": 2001, "month": 3, "day": 5, "approximate": False},
    )
    year_only = _open(
        referent,
        family_name="Diallo",
        given_names="Aminata",
        birth_date={"year": 2001, "month": None, "day": None, "approximate": True},
    )
    other = _open(
        referent,
        family_name="Diallo",
        given_names="Binta",
        birth_date={"year": 2002, "month": 3, "day": 5, "approximate": False},
    )
    query = "diallo 05/03/2001"
    found = matching_person_ids(query)
    assert found == {known.person_id, year_only.person_id}
    assert other.person_id not in found
    with translation.override("en"):
        ranked = rank(query, found)
    assert ranked[known.person_id].score > ranked[year_only.person_id].score
    assert any("partial date" in reason for reason in ranked[year_only.person_id].reasons)


def test_results_are_ranked_whole_name_first_and_say_why(referent, client):
    exact = _open(referent, family_name="Mai", given_names="Linh")
    start = _open(referent, family_name="Maiga", given_names="Oumar")
    sign_in(client, referent)
    page = _search(client, "mai").content.decode()
    assert exact.ref in page and start.ref in page
    assert page.index(exact.ref) < page.index(start.ref)
    assert "“mai”: a name" in page
    assert "“mai”: the start of a name" in page


def test_the_search_stays_inside_the_readers_scope(mai, outsider, client):
    _open(outsider, family_name="Trần", given_names="Văn Nam")
    sign_in(client, outsider)
    page = _search(client, "tran").content.decode()
    assert mai.ref not in page
    assert "Văn Nam" in page


def test_a_participant_without_the_identity_group_cannot_find_her_by_name(
    mai, referent, outsider, client
):
    join_case(referent, mai, outsider, groups=("social",))
    sign_in(client, outsider)
    assert mai.ref not in _search(client, "tran mai").content.decode()
    # the case is listed, by its reference only
    page = client.get("/dossiers/").content.decode()
    assert mai.ref in page and mai.person.ref in page
    assert "TRẦN" not in page and "Thị" not in page and "years old" not in page


def test_the_index_holds_digests_only(mai):
    digests = SearchToken.objects.filter(person_id=mai.person_id).values_list("digest", flat=True)
    assert len(digests) >= 9  # 3 parts, 2 initials, 1 start, 3 of the date
    assert all(len(d) == 32 and set(d) <= set("0123456789abcdef") for d in digests)


def test_a_query_of_only_punctuation_finds_nothing(mai):
    assert parse(" - ' . ") == []
    assert matching_person_ids(" - ' ") == set()
