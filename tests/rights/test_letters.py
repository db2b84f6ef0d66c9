"""Letters about refusals (issue 12, item 3): the referent writes a formal French letter to the
body whose refusal is possibly contrary to a right, citing the article, naming the person only
if chosen; after repeated refusals of shelter, one to the prefecture recalling the State's
duty; the letter is journaled, kept, downloadable as a PDF whose text holds the article, and
its answer can be recorded."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.audit.models import JournalEntry
from parcours.cases import services as cases
from parcours.core.roles import OrganisationKind
from parcours.referrals import services as referrals
from parcours.rights import services
from parcours.rights.models import Letter
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, ServiceFactory
from tests.personas import colleague, make_persona
from tests.rights.builders import refused_young_man
from tests.shelter.conftest import host_the_person
from tests.www.conftest import give_consent


def _pdf_text(pdf_bytes_html):
    from tests.conferences.test_minutes import rendered_text

    return rendered_text(pdf_bytes_html)


@pytest.fixture
def young(referent):
    return refused_young_man(referent, in_child_welfare_before_18=True)


def _write(client, case, **data):
    return client.post(reverse("case_letter_new", kwargs={"ref": case.ref}), data)


def test_the_referent_writes_the_letter_citing_the_article(client, referent, young):
    sign_in(client, referent)
    referral = young.referrals.get()
    response = _write(client, young, kind="refusal", referral=referral.ref)
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{letter.pk}/")
    assert "L222-5, 5°" in letter.body and "Madame, Monsieur" in letter.body
    assert "Fictif" not in letter.body and "FICTIF" not in letter.body  # not named: not chosen
    assert young.ref in letter.body
    assert JournalEntry.objects.filter(action="case.letter", object_ref=young.ref).exists()
    pdf = client.get(reverse("case_letter_pdf", kwargs={"ref": young.ref, "pk": letter.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = _pdf_text(letter.body)  # the text WeasyPrint lays out on the PDF's pages
    assert "L222-5, 5°" in text and "réexaminer" in text


def test_the_person_is_named_only_when_the_referent_chooses(client, referent, young):
    sign_in(client, referent)
    _write(client, young, kind="refusal", referral=young.referrals.get().ref, names_the_person="on")
    letter = Letter.objects.get()
    assert letter.names_the_person and "FICTIF Idriss" in letter.body
    entry = JournalEntry.objects.filter(action="case.letter").last()
    assert entry.groups == ["identity"]


def test_no_letter_without_a_finding(client, referent, young):
    services.record_fact(referent.actor, young, "in_child_welfare_before_18", False)
    sign_in(client, referent)
    _write(client, young, kind="refusal", referral=young.referrals.get().ref)
    assert not Letter.objects.exists()


def test_repeated_refusals_of_shelter_offer_the_prefecture_letter(client, referent):
    case = cases.open_case(referent.actor, {"family_name": "Exemple", "given_names": "Sana"})
    prefecture = OrganisationFactory(
        kind=OrganisationKind.PREFECTURE, departement="33", name="Préfecture fictive de Gironde"
    )
    siao = make_persona("siao-33", kind="siao", dep="33")
    service = ServiceFactory(organisation=siao.actor.organisation, emergency_115=True)
    give_consent(referent, case, siao.actor.organisation)
    sign_in(client, referent)
    client.cookies["django_language"] = "en"
    for n in range(3):
        page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
        assert 'data-testid="letter-offer-prefecture"' not in page, n
        referral = referrals.create_and_send(
            referent.actor, case, service, purpose="115", request_token=uuid.uuid4()
        )
        referrals.refuse(siao.actor, referral, "no_place", "", referral.version)
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert 'data-testid="letter-offer-prefecture"' in page and "3 times" in page
    _write(client, case, kind="prefecture", referral="")
    letter = Letter.objects.get()
    assert letter.recipient == prefecture
    assert "L121-9" in letter.body and "refusée 3 fois" in letter.body


def test_the_answer_is_recorded_and_bad_input_changes_nothing(client, referent, young):
    sign_in(client, referent)
    _write(client, young, kind="refusal", referral=young.referrals.get().ref)
    letter = Letter.objects.get()
    url = reverse("case_letter_answer", kwargs={"ref": young.ref, "pk": letter.pk})
    assert client.post(url, {"answer": "  "}).status_code == 400
    letter.refresh_from_db()
    assert letter.answered_at is None
    assert client.post(url, {"answer": "Réexamen accordé (fictif)."}).status_code == 302
    letter.refresh_from_db()
    assert letter.answered_at and letter.answer == "Réexamen accordé (fictif)."


def test_a_letter_to_a_host_facility_is_not_for_a_reader_without_location(referent, young):
    """A colleague not designated for locations must not learn a shelter's name from a
    letter: letters to a location-revealing recipient are out of their reach."""
    from parcours.rights import letters

    shelter = make_persona("chrs-33", kind="shelter_facility", dep="33")
    hidden = Letter.objects.create(
        case=young,
        kind="refusal",
        recipient=shelter.actor.organisation,
        body="<p>x</p>",
        created_at=timezone.now(),
        created_by=referent.user,
    )
    plain = colleague(referent, "colleague-plain")
    host_the_person(referent, young, shelter)  # the facility now tells where the person sleeps
    assert not letters.may_read(plain.actor, hidden)
    assert letters.may_read(referent.actor, hidden)
