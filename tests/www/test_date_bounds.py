"""Dates typed by hand have sane bounds: in the forms (a clear message, never a 500) and in the
services (a DomainError with the same message). See ``parcours.core.dates``."""

import datetime
import uuid
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from parcours.cases import services as case_services
from parcours.cases.models import Contact, Event
from parcours.conferences import services as conference_services
from parcours.conferences.models import Conference, ConferenceConsent
from parcours.core import dates
from parcours.core.errors import DomainError
from parcours.referrals import services as referral_services
from parcours.referrals.models import Consent
from parcours.shelter import placement
from parcours.www.cases import forms
from parcours.www.conferences import forms as conference_forms
from parcours.www.referrals import forms as referral_forms
from parcours.www.shelter import forms as shelter_forms
from tests.conferences import conftest as conference_fixtures
from tests.conferences.conftest import convene
from tests.conftest import sign_in
from tests.shelter.conftest import host_the_person

partner = conference_fixtures.partner  # a fixture: an association taking part in ``case``

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
YEAR_ONE = datetime.datetime(1, 1, 1, 0, 0, tzinfo=PARIS)
TOO_EARLY_FR = "1 janvier 2000"  # the bound, as the French page writes it


def _horizon_fr() -> str:
    """The last day a plan may fall on, as the French page writes it."""
    with translation.override("fr"):
        return dates.shown(dates.PLANNED.bounds()[1])


def _page(response) -> str:
    return response.content.decode()


# Pages -------------------------------------------------------------------------------------


def test_a_contact_dated_year_one_is_refused_with_a_message_not_a_500(client, referent, case):
    sign_in(client, referent)
    contacts, events = Contact.objects.count(), Event.objects.count()
    response = client.post(
        reverse("case_contact", kwargs={"ref": case.ref}),
        {
            "channel": "phone",
            "at": "0001-01-01T00:00",
            "note": "Appel",
            "request_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    assert TOO_EARLY_FR in _page(response)
    assert (Contact.objects.count(), Event.objects.count()) == (contacts, events)


def test_a_consent_dated_year_one_is_refused(client, referent, participant, case):
    sign_in(client, referent)
    response = client.post(
        reverse("case_consent_add", kwargs={"ref": case.ref}),
        {
            "recipient": participant.actor.organisation.pk,
            "purpose": "Mise à l'abri",
            "given_on": "0001-01-01",
            "how": "oral",
            "language": "soussou",
            "interpreter": "",
        },
    )
    assert response.status_code == 200
    assert TOO_EARLY_FR in _page(response)
    assert not Consent.objects.exists()


def test_a_conference_in_year_9999_is_refused(client, referent, partner, case):
    sign_in(client, referent)
    response = client.post(
        reverse("conference_new", kwargs={"ref": case.ref}),
        {
            "at": "9999-12-31T10:00",
            "place": "Salle 3",
            "invited": [partner.actor.organisation.pk],
            "agenda_1": "Point sur le logement",
            "agenda_1_group": "social",
        },
    )
    assert response.status_code == 200
    assert _horizon_fr() in _page(response)
    assert not Conference.objects.exists()


# Forms -------------------------------------------------------------------------------------


def _errors(form) -> dict:
    form.is_valid()
    return form.errors


def test_every_case_form_bounds_its_dates(case, referent):
    horizon = dates.PLANNED.bounds()[1]
    too_far = (horizon + datetime.timedelta(days=1)).isoformat()
    token = str(uuid.uuid4())
    cases = [
        (
            forms.ContactForm(
                {"channel": "phone", "at": "1999-12-31T23:00", "request_token": token}
            ),
            "at",
        ),
        (
            forms.SharingBasisForm({"basis": "consent", "consent_date": "0001-01-01"}),
            "consent_date",
        ),
        (
            forms.TaskForm(
                {"title": "Dossier CAF", "owner_org": case.referent_org_id, "due_on": too_far},
                case=case,
            ),
            "due_on",
        ),
        (
            forms.AppointmentForm(
                {"at": f"{too_far}T10:00", "purpose": "Audience"}, case=case, groups=set()
            ),
            "at",
        ),
        (
            referral_forms.ConsentForm(
                {"purpose": "Orientation", "given_on": "1999-12-31", "how": "oral"}
            ),
            "given_on",
        ),
        (
            conference_forms.ConferenceConsentForm(
                {"given_on": "0001-01-01", "how": "oral", "language": "soussou", "version": 1}
            ),
            "given_on",
        ),
        (shelter_forms.PlacementRequestForm({"consent_date": "0001-01-01"}), "consent_date"),
    ]
    for form, field in cases:
        assert field in _errors(form), type(form).__name__


def test_decision_due_dates_are_bounded(case):
    from parcours.accounts.models import Organisation

    owners = Organisation.objects.filter(pk=case.referent_org_id)
    form = conference_forms.RecordForm(
        {
            "version": 1,
            "decision_1": "Ouvrir les droits",
            "decision_1_owner": case.referent_org_id,
            "decision_1_due_on": "9999-12-31",
        },
        invited=owners,
        owners=owners,
    )
    assert "decision_1_due_on" in _errors(form)


def test_the_bounds_themselves_are_accepted(case):
    form = forms.ContactForm(
        {"channel": "phone", "at": "2000-01-01T00:00", "request_token": str(uuid.uuid4())}
    )
    assert form.is_valid(), form.errors
    horizon = dates.PLANNED.bounds()[1]
    assert "due_on" not in _errors(
        forms.TaskForm(
            {"title": "Dossier", "owner_org": case.referent_org_id, "due_on": horizon.isoformat()},
            case=case,
        )
    )
    with translation.override("en"):
        early = forms.ContactForm(
            {"channel": "phone", "at": "1999-12-31T10:00", "request_token": str(uuid.uuid4())}
        )
        assert early.errors["at"] == ["Give a date on or after 1 January 2000."]


# Services ----------------------------------------------------------------------------------


def test_log_contact_refuses_year_one(referent, case):
    contacts = Contact.objects.count()
    with pytest.raises(DomainError, match="2000"):
        case_services.log_contact(referent.actor, case, channel="phone", at=YEAR_ONE)
    assert Contact.objects.count() == contacts


def test_record_consent_refuses_year_one(referent, participant, case):
    with pytest.raises(DomainError, match="2000"):
        referral_services.record_consent(
            referent.actor,
            case,
            participant.actor.organisation,
            purpose="Orientation",
            given_on=datetime.date(1, 1, 1),
            how="oral",
            language="soussou",
        )
    assert not Consent.objects.exists()


def test_convene_refuses_year_9999(referent, partner, case):
    with pytest.raises(DomainError):
        convene(referent.actor, case, at=datetime.datetime(9999, 12, 31, 10, 0, tzinfo=PARIS))
    too_far = timezone.now() + datetime.timedelta(days=366 * (dates.PLANNING_YEARS_AHEAD + 1))
    with pytest.raises(DomainError):
        convene(referent.actor, case, at=too_far)
    assert not Conference.objects.exists()


def test_conference_consent_refuses_year_one(referent, partner, case):
    conference = convene(referent.actor, case)
    with pytest.raises(DomainError, match="2000"):
        conference_services.record_consent(
            referent.actor,
            conference,
            given_on=datetime.date(1, 1, 1),
            how="oral",
            language="soussou",
        )
    assert not ConferenceConsent.objects.exists()


def test_placement_request_refuses_a_consent_of_year_one(referent, case):
    with pytest.raises(DomainError, match="2000"):
        placement.create_request(referent.actor, case, sex="F", consent_date=datetime.date(1, 1, 1))


def test_record_arrival_refuses_year_one(referent, host, case):
    proposed = host_the_person(referent, case, host, sex="F")
    with pytest.raises(DomainError, match="2000"):
        placement.record_arrival(host.actor, proposed, at=YEAR_ONE)
    proposed.refresh_from_db()
    assert proposed.status == "accepted" and proposed.arrived_at is None
