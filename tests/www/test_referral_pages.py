"""Referral and consent pages as users see them: consent first, one referral per form, the
recipient's inbox and answer, withdrawal of consent on the next request, stale answers."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.referrals.enums import ReferralStatus
from parcours.referrals.models import Consent, Referral
from tests.conftest import sign_in


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def _record_consent(client, case, organisation):
    return client.post(
        reverse("case_consent_add", kwargs={"ref": case.ref}),
        {
            "recipient": organisation.pk,
            "purpose": "Mise à l'abri",
            "given_on": timezone.localdate().isoformat(),
            "how": "oral",
            "language": "soussou",
            "interpreter": "",
        },
    )


def _send(client, case, service, **changes):
    data = {
        "service": service.pk,
        "purpose": "Mise à l'abri",
        "shared_groups": ["identity"],
        "urgency": "urgent",
        "basis": "consent",
        "legal_basis": "",
        "request_token": str(uuid.uuid4()),
        **changes,
    }
    return client.post(reverse("case_referral_new", kwargs={"ref": case.ref}), data)


@pytest.fixture
def sent(client, referent, case, recipient, shelter):
    """A referral sent from the page after the consent was recorded through its page."""
    sign_in(client, referent)
    assert _record_consent(client, case, recipient.actor.organisation).status_code == 302
    response = _send(client, case, shelter)
    assert response.status_code == 302
    client.logout()
    return Referral.objects.get()


def test_referral_page_searches_the_directory(client, referent, case, shelter):
    sign_in(client, referent)
    url = reverse("case_referral_new", kwargs={"ref": case.ref})
    page = client.get(url, {"kind": "shelter", "departement": "33"}).content.decode()
    assert shelter.name in page
    page = client.get(url, {"kind": "health"}).content.decode()
    assert shelter.name not in page and 'data-testid="no-service"' in page


def test_send_after_consent_shows_on_the_case_page(client, referent, case, sent, shelter):
    assert sent.status == ReferralStatus.SENT and sent.consent is not None
    assert sent.shared_groups == ["identity"]
    sign_in(client, referent)
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert sent.ref in page and shelter.name in page
    assert 'data-testid="consents"' in page and "soussou" in page


def test_refused_without_consent_says_why_and_saves_nothing(client, referent, case, shelter):
    sign_in(client, referent)
    _english(client)
    response = _send(client, case, shelter)
    assert response.status_code == 200
    page = response.content.decode()
    assert "has not consented to sharing" in page or "consenti" in page
    assert Referral.objects.count() == 0


def test_legal_basis_needs_a_name(client, referent, case, shelter):
    sign_in(client, referent)
    _english(client)
    response = _send(client, case, shelter, basis="legal", legal_basis="")
    assert response.status_code == 200
    assert "Name the legal basis" in response.content.decode()
    assert Referral.objects.count() == 0


def test_double_post_creates_one_referral(client, referent, case, recipient, shelter):
    sign_in(client, referent)
    _record_consent(client, case, recipient.actor.organisation)
    token = str(uuid.uuid4())
    assert _send(client, case, shelter, request_token=token).status_code == 302
    assert _send(client, case, shelter, request_token=token).status_code == 302
    assert Referral.objects.count() == 1


def test_recipient_sees_inbox_and_detail_without_the_person(client, case, sent, recipient):
    sign_in(client, recipient)
    inbox = client.get(reverse("referral_inbox")).content.decode()
    assert sent.ref in inbox
    filtered = client.get(reverse("referral_inbox"), {"status": "refused"}).content.decode()
    assert sent.ref not in filtered
    response = client.get(reverse("referral_detail", kwargs={"ref": sent.ref}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mise à l" in page
    assert (
        "Fictif" not in page
        and "FICTIF" not in page
        and "Amadou" not in page
        and case.person.ref not in page
    )
    # Before accepting, the case itself stays out of reach.
    assert client.get(reverse("case_detail", kwargs={"ref": case.ref})).status_code == 404


def test_accepting_makes_the_recipient_a_participant(client, case, sent, recipient):
    sign_in(client, recipient)
    url = reverse("referral_answer", kwargs={"ref": sent.ref})
    response = client.post(url, {"action": "accept", "version": sent.version})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.ACCEPTED
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref}))
    assert page.status_code == 200
    assert sent.ref in page.content.decode()  # the referral addressed to it is listed


def test_refusal_needs_a_code_from_the_list(client, sent, recipient):
    sign_in(client, recipient)
    _english(client)
    url = reverse("referral_answer", kwargs={"ref": sent.ref})
    response = client.post(url, {"action": "refuse", "version": sent.version})
    assert response.status_code == 400
    assert "Choose a reason for refusal" in response.content.decode()
    response = client.post(
        url, {"action": "refuse", "refusal_code": "no_interpreter", "version": sent.version}
    )
    assert response.status_code == 400  # not a code of a shelter
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT
    response = client.post(
        url, {"action": "refuse", "refusal_code": "no_place", "version": sent.version}
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.REFUSED and sent.refusal_code == "no_place"


def test_stale_answer_is_refused_with_a_message(client, sent, recipient):
    sign_in(client, recipient)
    _english(client)
    url = reverse("referral_answer", kwargs={"ref": sent.ref})
    stale = sent.version
    assert client.post(url, {"action": "acknowledge", "version": stale}).status_code == 302
    response = client.post(url, {"action": "accept", "version": stale})
    assert response.status_code == 400
    assert "changed by someone else meanwhile" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.ACKNOWLEDGED


def test_withdrawing_consent_removes_access_on_the_next_request(
    client, referent, case, sent, recipient
):
    sign_in(client, recipient)
    url = reverse("referral_answer", kwargs={"ref": sent.ref})
    client.post(url, {"action": "accept", "version": sent.version})
    case_url = reverse("case_detail", kwargs={"ref": case.ref})
    assert client.get(case_url).status_code == 200
    consent = Consent.objects.get(recipient=recipient.actor.organisation)
    sign_in(client, referent)
    response = client.post(
        reverse("case_consent_withdraw", kwargs={"ref": case.ref, "pk": consent.pk})
    )
    assert response.status_code == 302
    sign_in(client, recipient)
    assert client.get(case_url).status_code == 404


def test_consent_of_another_case_is_404(client, referent, case, sent, recipient):
    from parcours.cases import services as case_services
    from tests.conftest import PERSON

    other = case_services.open_case(referent.actor, dict(PERSON, given_names="Autre"))
    consent = Consent.objects.get()
    sign_in(client, referent)
    url = reverse("case_consent_withdraw", kwargs={"ref": other.ref, "pk": consent.pk})
    assert client.post(url).status_code == 404
    consent.refresh_from_db()
    assert consent.active


def test_sender_withdraws_and_recipient_cannot(client, referent, sent, recipient):
    url = reverse("referral_withdraw", kwargs={"ref": sent.ref})
    sign_in(client, recipient)
    assert client.post(url).status_code == 404
    sign_in(client, referent)
    assert client.post(url).status_code == 302
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.WITHDRAWN


def test_referral_pages_have_no_inline_code(client, referent, case, sent, recipient):
    sign_in(client, referent)
    urls = [
        reverse("case_detail", kwargs={"ref": case.ref}),
        reverse("case_referral_new", kwargs={"ref": case.ref}),
        reverse("case_consent_add", kwargs={"ref": case.ref}),
        reverse("referral_detail", kwargs={"ref": sent.ref}),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "<script>" not in body and " style=" not in body, url
    sign_in(client, recipient)
    for url in [reverse("referral_inbox"), reverse("referral_detail", kwargs={"ref": sent.ref})]:
        body = client.get(url).content.decode()
        assert "<script>" not in body and " style=" not in body, url


def test_case_page_groups_attempts_and_shows_overdue(clock, client, referent, case, sent, shelter):
    import datetime

    from parcours.referrals import services

    clock.shift(datetime.timedelta(days=30))  # the first referral got no answer for a month
    services.create_and_send(
        referent.actor, case, shelter, purpose="Nouvel essai", request_token=uuid.uuid4()
    )
    sign_in(client, referent)
    _english(client)
    page = client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()
    assert "2 attempts" in page
    assert page.count('data-testid="overdue"') == 1  # the first one; the new one is in time


def test_the_right_asked_for_comes_from_the_link_and_must_be_one_the_service_grants(
    client, referent, case, recipient, shelter
):
    sign_in(client, referent)
    _english(client)
    _record_consent(client, case, recipient.actor.organisation)
    url = reverse("case_referral_new", kwargs={"ref": case.ref})
    page = client.get(url, {"kind": "shelter", "right": "secure_shelter"}).content.decode()
    assert '<option value="secure_shelter" selected>' in page
    response = _send(client, case, shelter, right="legal_aid")
    assert response.status_code == 200 and "does not grant this right" in response.content.decode()
    assert not Referral.objects.exists()
    assert _send(client, case, shelter, right="secure_shelter").status_code == 302
    assert Referral.objects.get().right == "secure_shelter"
