"""Phone numbers in one form (E.164, ``+33612345678``) for the search index and the intake check.

Numbers are read by ``phonenumbers`` (libphonenumber's data), with France as the home region.
France and its overseas regions share one national numbering plan: written nationally, with the
leading 0, ``0692 12 34 56`` is a Réunion mobile (``+262692123456``), ``0639 ...`` a Mayotte one,
``0590``/``0690`` Guadeloupe, ``0596``/``0696`` Martinique, ``0594``/``0694`` Guyane. Read with the
region "FR" alone, those would become ``+33692...`` (no such number), so a number written
nationally is first tried in each overseas region, and a region is kept only when the number is
valid there; anything else is read as metropolitan. A number written with ``+`` or ``00`` carries
its own country code (``+33 (0)6 ...`` and ``0033 6 ...`` both give ``+33612345678``).

A number phonenumbers does not know as valid has no E.164 form: intake refuses it. One stored
before that check (or by another path) is indexed by its digits alone, so typing the same digits
still finds it (:func:`search_form`).
"""

import phonenumbers
from phonenumbers import CountryCodeSource, NumberParseException, PhoneNumber, PhoneNumberFormat

from parcours.core.crypto import keyring

HOME_REGION = "FR"
# Regions numbered in the French national plan, tried for a number written with the leading 0.
OVERSEAS_REGIONS = ("RE", "YT", "GP", "MQ", "GF")
FRANCE_COUNTRY_CODE = 33
# Fewer digits than this, in a number phonenumbers cannot validate, is not searched as a phone.
MIN_FALLBACK_DIGITS = 6

PHONE_PURPOSE = "person-phone"  # label of the phone blind index (parcours.people.search)


def _parse(text: str, region: str) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region, keep_raw_input=True)
    except NumberParseException:
        return None


def _overseas(national: str) -> PhoneNumber | None:
    """The overseas reading of a number written nationally (``0692...``), if valid there."""
    for region in OVERSEAS_REGIONS:
        number = _parse(national, region)
        if number is not None and phonenumbers.is_valid_number(number):
            return number
    return None


def parse(text: str) -> PhoneNumber | None:
    """The valid phone number ``text`` is written as, or None."""
    text = (text or "").strip()
    if not text:
        return None
    number = _parse(text, HOME_REGION)
    if number is None:
        return None
    if number.country_code_source == CountryCodeSource.FROM_DEFAULT_COUNTRY:
        # Written nationally (0...): an overseas prefix names its region.
        overseas = _overseas(text)
        if overseas is not None:
            return overseas
    elif number.country_code == FRANCE_COUNTRY_CODE and not phonenumbers.is_valid_number(number):
        # "+33 6 92 ..." for a Réunion mobile: the national number, read in the national plan.
        overseas = _overseas("0" + str(number.national_number))
        if overseas is not None:
            return overseas
    return number if phonenumbers.is_valid_number(number) else None


def to_e164(text: str) -> str | None:
    """``+33612345678`` for every way of writing that number, None when it is not valid."""
    number = parse(text)
    return None if number is None else phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_valid(text: str) -> bool:
    return parse(text) is not None


def search_form(text: str) -> str:
    """What the phone index is computed on: the E.164 form of a valid number; for a number
    phonenumbers does not validate, its digits when there are enough of them; else ''."""
    e164 = to_e164(text)
    if e164:
        return e164
    digits = "".join(ch for ch in (text or "") if ch.isdigit())
    return digits if len(digits) >= MIN_FALLBACK_DIGITS else ""


def phone_digest(text: str) -> str | None:
    """The blind index of a phone number (the digest stored in a phone ``SearchToken``)."""
    value = search_form(text)
    return keyring().blind_index(value, PHONE_PURPOSE) if value else None
