"""The minors' route (issue 13, item 5; scenario S3): a girl of 16 is a minor from her date of
birth, even when only its year is known; a person who says she is a minor is treated as one
until a decision says otherwise; sharing rests on child-protection law, never on consent; the
referent is reminded six months before 18; a second set with other names, towns and dates gives
the same verdicts."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.alerts.models import Notification
from parcours.cases import services as cases
from parcours.cases.enums import LegalBasis, SharingBasis
from parcours.cases.participants import is_minor
from parcours.core.errors import DomainError
from parcours.identification import minors
from parcours.shelter.reading import request_defaults
from tests.conftest import sign_in
from tests.personas import make_persona


def _years_ago(years, month=None, day=None):
    today = timezone.localdate()
    return {"year": today.year - years, "month": month, "day": day, "approximate": month is None}


def _open(referent, given, family, birth):
    return cases.open_case(
        referent.actor, {"given_names": given, "family_name": family, "birth_date": birth}
    )


def test_s3_a_girl_of_16_is_routed_to_child_protection_and_consent_is_refused(referent):
    joy = _open(referent, "Joy", "Fictive", _years_ago(16))
    assert is_minor(joy)
    welfare = make_persona("ase75", kind="child_welfare", dep="75").actor.organisation
    with pytest.raises(DomainError, match="L226-2-2"):
        cases.add_participant(
            referent.actor,
            joy,
            organisation=welfare,
            role="child_protection",
            groups=["identity"],
            basis=SharingBasis.CONSENT,
            consent_date=timezone.localdate(),
        )
    participant = cases.add_participant(
        referent.actor,
        joy,
        organisation=welfare,
        role="child_protection",
        groups=["identity"],
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.CHILD_PROTECTION,
    )
    assert participant.legal_basis == LegalBasis.CHILD_PROTECTION
    assert minors.CHILD_PROTECTION_ROUTE == ("child_protection", "prosecutor_minors")


def test_the_referral_form_of_a_minor_starts_on_child_protection_law(client, referent):
    joy = _open(referent, "Joy", "Fictive", _years_ago(16))
    sign_in(client, referent)
    page = client.get(
        reverse("case_referral_new", kwargs={"ref": joy.ref}), {"kind": "prosecutor_minors"}
    ).content.decode()
    (legal,) = re.findall(r'<input[^>]*name="basis"[^>]*value="legal"[^>]*>', page)
    assert "checked" in legal
    assert '<option value="casf_l226_2_2" selected>' in page
    case_page = client.get(reverse("case_detail", kwargs={"ref": joy.ref})).content.decode()
    assert 'data-testid="minor-route"' in case_page
    assert 'data-testid="route-prosecutor_minors"' in case_page


def test_a_year_of_birth_alone_takes_the_youngest_reading(referent):
    """Born "in" the year 18 years ago: she may not be 18 before 31 December."""
    today = timezone.localdate()
    case = _open(referent, "Awa", "Fictive", {"year": today.year - 18, "approximate": True})
    assert is_minor(case) == (today < datetime.date(today.year, 12, 31))
    assert minors.eighteenth_birthday(case.person) == datetime.date(today.year, 12, 31)


def test_a_claim_is_a_minor_until_decided(referent):
    case = _open(referent, "Amina", "Fictive", _years_ago(25, 1, 1))
    assert not is_minor(case)
    minors.record_claim(referent.actor, case, timezone.localdate())
    assert is_minor(case)
    assert request_defaults_minor(referent, case)
    with pytest.raises(DomainError):
        minors.record_decision(referent.actor, case, "adult", timezone.localdate(), basis=" ")
    assert is_minor(case)
    minors.record_decision(
        referent.actor, case, "adult", timezone.localdate(), basis="Évaluation du département."
    )
    assert not is_minor(case)
    with pytest.raises(DomainError):
        minors.record_claim(referent.actor, case, timezone.localdate())


def request_defaults_minor(referent, case):
    from parcours.access.redaction import CaseView

    return request_defaults(CaseView(referent.actor, case)).get("minor")


@pytest.mark.parametrize(("months_to_18", "reminded"), [(7, False), (6, True), (1, True)])
def test_the_referent_is_reminded_six_months_before_18_once(referent, months_to_18, reminded):
    today = timezone.localdate()
    birthday = _add_months(today, months_to_18)
    birth = {"year": birthday.year - 18, "month": birthday.month, "day": birthday.day}
    case = _open(referent, "Joy", "Fictive", {**birth, "approximate": False})
    assert minors.remind_turning_18(timezone.now()) == int(reminded)
    assert minors.remind_turning_18(timezone.now()) == 0
    assert Notification.objects.filter(kind="turning_18", ref=case.ref).count() == int(reminded)


def test_another_boy_elsewhere_gets_the_same_route(referent):
    """In Marseille, Ibrahim says he is 15; his papers say 1990: treated as a minor until the
    département's evaluation decides; then routed like any minor."""
    case = _open(referent, "Ibrahim", "Fictif", {"year": 1990, "approximate": True})
    minors.record_claim(referent.actor, case, timezone.localdate() - datetime.timedelta(days=2))
    assert is_minor(case)
    minors.record_decision(
        referent.actor,
        case,
        "minor",
        timezone.localdate(),
        basis="Évaluation de minorité (fictive).",
    )
    assert is_minor(case)
    assert minors.claim_of(case).decision == "minor"


def _add_months(day, months):
    month = day.month + months
    year = day.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, min(day.day, 28))


def test_a_decision_once_recorded_is_not_overwritten(referent):
    case = _open(referent, "Amina", "Fictive", _years_ago(25, 1, 1))
    minors.record_claim(referent.actor, case, timezone.localdate())
    minors.record_decision(referent.actor, case, "minor", timezone.localdate(), basis="Ordonnance.")
    with pytest.raises(DomainError):
        minors.record_decision(referent.actor, case, "adult", timezone.localdate(), basis="Autre.")
    assert minors.claim_of(case).decision == "minor"
