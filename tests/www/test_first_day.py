"""A newcomer's first steps (issue 11, first part): the sign-in page has no dead "sign up"
link and says how accounts are made; the demo prints an address where a security key can be
registered (WebAuthn refuses an IP address as the site's name); English pages write dates day
first and times on 24 hours, as the people of Parcours read them in France."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import formats, translation

from parcours.demo.management.commands.demo import _address
from tests.conftest import sign_in


def test_the_sign_in_page_has_no_dead_sign_up_link(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert 'href="None"' not in page
    assert "/signup" not in page and "inscrire" not in page.lower()
    assert "le responsable de chaque organisation crée les comptes" in page
    english = client.get(reverse("account_login"), headers={"accept-language": "en"})
    assert "each organisation's manager creates" in english.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    "bind,shown",
    [
        ("127.0.0.1:8000", "http://localhost:8000/"),
        ("0.0.0.0:8080", "http://localhost:8080/"),
        ("parcours.example:8000", "http://parcours.example:8000/"),
    ],
)
def test_the_demo_prints_an_address_a_security_key_accepts(bind, shown):
    assert _address(bind) == shown


def test_english_writes_the_day_first_and_a_24_hour_clock():
    moment = datetime.datetime(2026, 12, 4, 20, 13, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "04/12/2026"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "04/12/2026 20:13"
        assert formats.date_format(moment, "DATE_FORMAT") == "4 December 2026"
    with translation.override("fr"):
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "04/12/2026"


def test_an_english_case_page_shows_no_month_first_date(client, referent, case):
    sign_in(client, referent)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert "Case" in page
    assert not re.search(r"\b\d{1,2}:\d{2} [ap]\.m\.", page), "a 12-hour clock on an English page"
    opened = case.opened_at.astimezone(zoneinfo.ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y")
    assert opened in page
