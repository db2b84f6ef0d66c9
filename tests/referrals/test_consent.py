import datetime
import uuid

import pytest
from django.utils import timezone

from parcours.access import rules
from parcours.audit.models import JournalEntry
from parcours.cases.enums import LegalBasis, SharingBasis
from parcours.core.actor import actor_for
from parcours.core.errors import DomainError, NotAllowed
from parcours.referrals import services
from parcours.referrals.enums import ReferralStatus as S
from parcours.referrals.models import Referral
from tests.referrals.conftest import give_consent, send


def test_send_is_blocked_without_consent(referent, case, service):
    with pytest.raises(DomainError) as refused:
        send(referent, case, service)
    assert service.organisation.name in refused.value.message
    assert Referral.objects.count() == 0


def test_consent_to_another_recipient_does_not_count(referent, case, service, outsider):
    give_consent(referent, case, outsider.actor.organisation)
    with pytest.raises(DomainError):
        send(referent, case, service)


def test_a_named_legal_basis_allows_sending_and_is_journaled_with_its_code(referent, case, service):
    referral = send(
        referent, case, service, basis=SharingBasis.LEGAL, legal_basis=LegalBasis.CHILD_PROTECTION
    )
    assert referral.status == S.SENT and referral.consent is None
    entry = JournalEntry.objects.get(action="referral.legal_basis")
    assert (entry.object_ref, entry.related_ref, entry.reason) == (
        case.ref,
        referral.ref,
        LegalBasis.CHILD_PROTECTION,
    )
    assert entry.organisation == referent.actor.organisation


def test_a_legal_basis_must_be_named(referent, case, service):
    for legal_basis in ("", "because"):
        with pytest.raises(DomainError):
            send(referent, case, service, basis=SharingBasis.LEGAL, legal_basis=legal_basis)


def test_a_sent_referral_records_the_consent_used(referral, consent):
    assert referral.consent == consent and referral.basis == SharingBasis.CONSENT


def test_consent_in_the_future_is_refused(referent, case, service):
    with pytest.raises(DomainError):
        give_consent(
            referent,
            case,
            service.organisation,
            given_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_consent_needs_how_and_language(referent, case, service):
    with pytest.raises(DomainError):
        give_consent(referent, case, service.organisation, how="guessed")
    with pytest.raises(DomainError):
        give_consent(referent, case, service.organisation, language=" ")


def test_only_the_referent_records_or_withdraws_consent(
    referent, participant, recipient, case, service, consent
):
    for persona in (participant, recipient):
        with pytest.raises(NotAllowed):
            give_consent(persona, case, service.organisation)
        with pytest.raises(NotAllowed):
            services.withdraw_consent(persona.actor, consent)


def test_withdrawal_removes_access_from_the_next_request(
    referent, recipient, case, referral, consent
):
    services.accept(recipient.actor, referral, referral.version)
    assert rules.can_view_case(recipient.actor, case)
    services.withdraw_consent(referent.actor, consent)
    next_request = actor_for(recipient.user)
    assert not rules.can_view_case(next_request, case)
    assert rules.groups_for(next_request, case) == frozenset()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == referent.user
    assert JournalEntry.objects.filter(action="consent.withdraw", object_ref=case.ref).exists()
    assert JournalEntry.objects.filter(action="case.participant_end", object_ref=case.ref).exists()
    # Withdrawing twice changes nothing.
    services.withdraw_consent(referent.actor, consent)
    assert JournalEntry.objects.filter(action="consent.withdraw").count() == 1


def test_withdrawal_withdraws_referrals_waiting_on_that_consent(
    referent, recipient, case, referral, consent
):
    services.withdraw_consent(referent.actor, consent)
    referral.refresh_from_db()
    assert referral.status == S.WITHDRAWN
    with pytest.raises(DomainError):
        services.accept(recipient.actor, referral, referral.version)


def test_withdrawal_leaves_a_legal_basis_participation(referent, recipient, case, service):
    consent = give_consent(referent, case, service.organisation)
    referral = send(
        referent,
        case,
        service,
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.SOCIAL_ACTION,
        request_token=uuid.uuid4(),
    )
    services.accept(recipient.actor, referral, referral.version)
    services.withdraw_consent(referent.actor, consent)
    assert rules.can_view_case(actor_for(recipient.user), case)


def test_withdrawal_ends_a_consent_participation_only_for_that_recipient(
    referent, participant, case, consent
):
    services.withdraw_consent(referent.actor, consent)
    assert rules.can_view_case(actor_for(participant.user), case)
