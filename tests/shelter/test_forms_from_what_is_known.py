"""Forms that use what is known (issue 11, point 5), through the pages: a placement request
starts from the person (a man is not "a woman", a 17-year-old is a minor, their languages); a
single choice is already chosen; a place or a zone typed by hand is a commune or a postcode,
whose position the safety rule judges; a caseworker cannot ask for less distance from danger
than the service's setting, a coordinator of the case can."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from parcours.audit.models import JournalEntry
from parcours.core import communes, geography
from parcours.core.errors import DomainError
from parcours.shelter import placement, reading, zones
from parcours.shelter.models import PlacementRequest
from tests.conftest import sign_in
from tests.factories import FacilityFactory
from tests.shelter.conftest import yesterday


def _born_years_ago(years: int, days: int = 0) -> dict:
    day = timezone.localdate() - datetime.timedelta(days=days)
    return {"year": day.year - years, "month": day.month, "day": min(day.day, 28)}


def _person(case, **fields):
    person = case.person
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()
    return case


def _new_request_page(client, persona, case):
    sign_in(client, persona)
    answer = client.get(reverse("case_placement_new", kwargs={"ref": case.ref}))
    assert answer.status_code == 200
    return answer.content.decode()


def _selected(page, name) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


def _checked(page, name) -> bool:
    tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', page).group(0)
    return "checked" in tag


def _value(page, name) -> str:
    tag = re.search(rf'<input type="text" name="{name}"[^>]*>', page).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


# --- the placement request starts from the person --------------------------------------------


def test_a_man_of_17_is_asked_a_place_for_a_man_and_a_minor(client, referent, case):
    _person(case, sex="M", birth_date=_born_years_ago(17), languages=["soussou", "français"])
    page = _new_request_page(client, referent, case)
    assert _selected(page, "sex") == ["M"]
    assert _checked(page, "minor")
    assert _value(page, "languages") == "soussou, français"


def test_a_woman_of_18_is_not_a_minor(client, referent, case):
    _person(case, sex="F", birth_date=_born_years_ago(18, days=1), languages=[])
    page = _new_request_page(client, referent, case)
    assert _selected(page, "sex") == ["F"] and not _checked(page, "minor")
    assert _value(page, "languages") == ""


def test_an_unknown_sex_is_not_guessed_and_must_be_chosen(client, referent, case):
    _person(case, sex="U", birth_date=None)
    page = _new_request_page(client, referent, case)
    assert set(_selected(page, "sex")) <= {""}  # "—": neither "a woman" nor anything else
    assert not _checked(page, "minor")
    url = reverse("case_placement_new", kwargs={"ref": case.ref})
    answer = client.post(
        url, {"family_size": 1, "security_level": 0, "min_distance_km": 150, "priority": "2",
              "consent_date": yesterday().isoformat()},
    )  # fmt: skip
    assert answer.status_code == 400
    assert not PlacementRequest.objects.filter(case=case).exists()


def test_showing_what_is_known_of_the_person_is_journaled(client, referent, case):
    _new_request_page(client, referent, case)
    (entry,) = [e for e in JournalEntry.objects.filter(action="case.view")
                if e.reason == "placement:new"]  # fmt: skip
    assert entry.groups == ["identity"] and entry.object_ref == case.ref


def test_a_reader_without_the_identity_group_gets_no_default_and_nothing_decrypted():
    class Sealed:
        @property
        def person(self):
            raise AssertionError("the person was read for a reader without the identity group")

    hidden = SimpleNamespace(sees=lambda group: False, case=Sealed())
    assert reading.request_defaults(hidden) == {}


# --- a single choice is already chosen ------------------------------------------------------


def test_the_only_place_of_the_ranked_list_is_ticked(client, referent, host, case):
    zones.assess(referent.actor, case, dangers=[], level="low")
    only = FacilityFactory(organisation=host.actor.organisation)
    request = placement.create_request(referent.actor, case, sex="M", consent_date=yesterday())
    sign_in(client, referent)
    url = reverse("placement_request", kwargs={"ref": case.ref, "pk": request.pk})
    assert _ticked(client.get(url).content.decode()) == {str(only.pk): True}
    other = FacilityFactory(organisation=host.actor.organisation)
    ticked = _ticked(client.get(url).content.decode())
    assert ticked == {str(only.pk): False, str(other.pk): False}  # two: the referent chooses


def _ticked(page) -> dict[str, bool]:
    tags = re.findall(r'<input type="checkbox" name="facilities"[^>]*>', page)
    return {re.search(r'value="(\d+)"', t).group(1): " checked" in t for t in tags}


# --- a danger zone is a commune -------------------------------------------------------------


def _add_zone(client, persona, case, **typed):
    sign_in(client, persona)
    url = reverse("case_zone_add", kwargs={"ref": case.ref})
    return client.post(url, {"reason": "exploitation", **typed})


def test_the_zone_form_asks_a_commune_not_coordinates(client, referent, case):
    sign_in(client, referent)
    page = client.get(reverse("case_zone_add", kwargs={"ref": case.ref})).content.decode()
    assert 'name="commune"' in page
    assert 'name="lat"' not in page and 'name="lon"' not in page


def test_a_town_zone_typed_by_name_takes_the_communes_point(client, referent, case):
    answer = _add_zone(client, referent, case, kind="town", commune="grasse")
    assert answer.status_code == 302
    where = case.danger_zones.get().where
    assert where["town"] == "Grasse" and where["departement"] == "06"
    assert where["radius_km"] == zones.TOWN_RADIUS_KM
    assert geography.great_circle_km(where["lat"], where["lon"], 43.6589, 6.9237) < 3


def test_a_town_zone_typed_by_postcode(client, referent, case):
    answer = _add_zone(client, referent, case, kind="town", commune="06130", radius_km=5)
    assert answer.status_code == 302
    where = case.danger_zones.get().where
    assert (where["town"], where["radius_km"]) == ("Grasse", 5)


def test_a_name_several_communes_bear_is_listed_to_pick_and_nothing_saved(client, referent, case):
    answer = _add_zone(client, referent, case, kind="town", commune="Saint-Denis")
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Saint-Denis (93)" in page and "Saint-Denis (974)" in page
    assert not case.danger_zones.exists()
    picked = _add_zone(client, referent, case, kind="town", commune="Saint-Denis (974)")
    assert picked.status_code == 302
    assert case.danger_zones.get().where["departement"] == "974"


def test_an_unknown_commune_is_refused_in_the_users_language(client, referent, case):
    answer = _add_zone(client, referent, case, kind="town", commune="Nulle-Part-sur-Mer")
    assert answer.status_code == 400
    assert "Nulle-Part-sur-Mer" in answer.content.decode()
    assert "Aucune commune" in answer.content.decode()
    assert not case.danger_zones.exists()


def test_a_commune_typed_with_another_departement_is_refused(client, referent, case):
    answer = _add_zone(client, referent, case, kind="town", commune="Nice", departement="83")
    assert answer.status_code == 400
    assert "Alpes-Maritimes" in answer.content.decode() and "Var" in answer.content.decode()
    assert not case.danger_zones.exists()


def test_a_whole_departement_may_be_given_by_one_of_its_communes(client, referent, case):
    assert _add_zone(client, referent, case, kind="departement", commune="Nice").status_code == 302
    zone = case.danger_zones.get()
    assert zone.kind == "departement" and zone.where["departement"] == "06"


def test_a_whole_departement_still_needs_one(client, referent, case):
    assert _add_zone(client, referent, case, kind="departement").status_code == 400
    assert _add_zone(client, referent, case, kind="town").status_code == 400
    assert not case.danger_zones.exists()


# --- a place offered by hand is a commune ---------------------------------------------------


@pytest.fixture
def zoned_request(referent, case):
    """Exploited in Grasse (a town zone, 30 km): a request that keeps the service's distance."""
    zones.assess(referent.actor, case, dangers=["threats_to_person"], level="high")
    grasse = communes.resolve("Grasse")
    zones.add_zone(referent.actor, case, kind="town", reason="exploitation", town=grasse.name,
                   departement=grasse.departement, lat=grasse.lat, lon=grasse.lon)  # fmt: skip
    return placement.create_request(referent.actor, case, sex="F", consent_date=yesterday())


def _by_hand(client, persona, request, **typed):
    sign_in(client, persona)
    url = reverse("placement_by_hand", kwargs={"ref": request.case.ref, "pk": request.pk})
    return client.post(url, {"name": "Hôtel du 115", **typed})


def test_a_place_by_hand_in_the_zones_commune_is_refused(client, referent, zoned_request):
    answer = _by_hand(client, referent, zoned_request, commune="Grasse")
    assert answer.status_code == 400
    assert "Refusé" in answer.content.decode()
    assert not zoned_request.placements.exists()


def test_a_place_by_hand_far_away_takes_the_communes_point(client, referent, zoned_request):
    answer = _by_hand(client, referent, zoned_request, commune="Rennes")
    assert answer.status_code == 302
    place = zoned_request.placements.get().manual_place
    assert (place["town"], place["departement"]) == ("Rennes", "35")
    assert geography.departement_at(place["lat"], place["lon"]) == "35"


def test_a_place_by_hand_needs_its_commune(client, referent, zoned_request):
    assert _by_hand(client, referent, zoned_request).status_code == 400
    assert _by_hand(client, referent, zoned_request, commune="Saint-Denis").status_code == 400
    assert not zoned_request.placements.exists()


# --- the distance from danger ---------------------------------------------------------------


def _ask(client, persona, case, km):
    sign_in(client, persona)
    return client.post(
        reverse("case_placement_new", kwargs={"ref": case.ref}),
        {"sex": "F", "family_size": 1, "security_level": 0, "min_distance_km": km,
         "priority": "2", "consent_date": yesterday().isoformat()},
    )  # fmt: skip


@override_settings(SAFE_DISTANCE_KM=150)
def test_the_page_starts_at_the_services_distance(client, referent, case):
    page = _new_request_page(client, referent, case)
    tag = re.search(r'<input type="number" name="min_distance_km"[^>]*>', page).group(0)
    assert 'value="150"' in tag


@override_settings(SAFE_DISTANCE_KM=150)
def test_a_caseworker_cannot_lower_the_distance(client, referent, case):
    answer = _ask(client, referent, case, 40)
    assert answer.status_code == 400
    assert "150 km" in answer.content.decode() and "coordinat" in answer.content.decode()
    assert not PlacementRequest.objects.filter(case=case).exists()
    assert _ask(client, referent, case, 300).status_code == 302  # more distance: fine
    assert PlacementRequest.objects.get(case=case).min_distance_km == 300


@override_settings(SAFE_DISTANCE_KM=150)
def test_a_coordinator_of_the_case_can_lower_it(client, territorial, case):
    assert _ask(client, territorial, case, 40).status_code == 302
    assert PlacementRequest.objects.get(case=case).min_distance_km == 40


@override_settings(SAFE_DISTANCE_KM=150)
def test_the_rule_holds_in_the_domain_not_only_in_the_form(referent, territorial, case):
    with pytest.raises(DomainError) as refused:
        placement.create_request(
            referent.actor, case, sex="F", consent_date=yesterday(), min_distance_km=149
        )
    assert "150" in refused.value.message
    assert not PlacementRequest.objects.filter(case=case).exists()
    lowered = placement.create_request(
        territorial.actor, case, sex="F", consent_date=yesterday(), min_distance_km=0
    )
    assert lowered.min_distance_km == 0
