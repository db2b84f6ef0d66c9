import datetime
import uuid

import pytest
from django.utils import timezone

from parcours.access import rules
from parcours.cases.enums import LegalBasis, SharingBasis
from parcours.core.actor import actor_for
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup
from parcours.referrals import services
from parcours.referrals.enums import (
    ANSWER_DELAY_HOURS,
    REFUSAL_CODES,
    ServiceKind,
)
from parcours.referrals.enums import (
    ReferralStatus as S,
)
from parcours.referrals.models import Referral, Service
from tests import personas
from tests.conftest import make_persona
from tests.factories import ServiceFactory
from tests.referrals.conftest import give_consent, send


def test_directory_search_by_kind_and_territory(service, service_115, db):
    national = ServiceFactory(organisation=service.organisation, legal_aid=True, national=True)
    ServiceFactory(organisation=service.organisation, health=True, national=True, inactive=True)
    assert set(services.directory_search()) == {service, service_115, national}
    assert list(services.directory_search(kind=ServiceKind.SHELTER)) == [service]
    assert set(services.directory_search(departement="33")) == {service, service_115, national}
    assert list(services.directory_search(departement="69")) == [national]
    assert list(services.directory_search(kind=ServiceKind.HEALTH)) == []


def test_minimum_is_shared_by_default(referent, case, service, consent):
    assert send(referent, case, service).shared_groups == ["identity"]


def test_the_same_form_sent_twice_makes_one_referral(referent, case, service, consent):
    token = uuid.uuid4()
    first = send(referent, case, service, request_token=token)
    second = send(referent, case, service, request_token=token)
    assert first.pk == second.pk and Referral.objects.count() == 1
    assert first.transitions.filter(to_status=S.SENT).count() == 1


def test_a_concurrent_duplicate_returns_the_first_referral(
    referent, case, service, consent, monkeypatch
):
    token = uuid.uuid4()
    first = send(referent, case, service, request_token=token)
    real = services._same_request
    calls = []

    def not_yet_seen(*args):  # the second request looked before the first one committed
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_same_request", not_yet_seen)
    assert send(referent, case, service, request_token=token).pk == first.pk
    assert Referral.objects.count() == 1 and len(calls) == 2


def test_a_used_token_is_refused_on_another_case(referent, case, service, consent):
    from parcours.cases import services as case_services
    from tests.conftest import PERSON

    token = uuid.uuid4()
    send(referent, case, service, request_token=token)
    other = case_services.open_case(referent.actor, dict(PERSON))
    with pytest.raises(DomainError):
        send(referent, other, service, request_token=token)


def test_an_organisation_that_does_not_offer_the_service_is_refused(
    referent, case, service, consent, outsider
):
    with pytest.raises(DomainError) as refused:
        send(referent, case, service, organisation=outsider.actor.organisation)
    assert outsider.actor.organisation.name in refused.value.message
    Service.objects.filter(pk=service.pk).update(active=False)
    service.refresh_from_db()
    with pytest.raises(DomainError):
        send(referent, case, service)
    assert Referral.objects.count() == 0


def test_only_the_referent_sends(participant, recipient, case, service, consent):
    for persona in (participant, recipient):
        with pytest.raises(NotAllowed):
            send(persona, case, service)


def test_unknown_groups_are_refused(referent, case, service, consent):
    with pytest.raises(DomainError):
        send(referent, case, service, shared_groups=["identity", "bank"])
    with pytest.raises(DomainError):
        send(referent, case, service, shared_groups=[])


def test_every_kind_has_refusal_codes_with_other_and_a_delay():
    assert set(REFUSAL_CODES) == set(ServiceKind.values) == set(ANSWER_DELAY_HOURS)
    for kind, codes in REFUSAL_CODES.items():
        assert codes[-1][0] == "other", kind
    assert ANSWER_DELAY_HOURS[ServiceKind.EMERGENCY_HOUSING_115] == 4
    assert ANSWER_DELAY_HOURS[ServiceKind.CHILD_PROTECTION] == 24
    assert ANSWER_DELAY_HOURS[ServiceKind.SHELTER] == 48
    assert ANSWER_DELAY_HOURS[ServiceKind.LEGAL_AID] == 7 * 24


def test_refusal_codes_are_checked_against_the_kind(referral, recipient):
    with pytest.raises(DomainError):  # a child-welfare reason, not a shelter one
        services.refuse(recipient.actor, referral, "not_in_insertion_pathway", "", referral.version)
    with pytest.raises(DomainError):
        services.refuse(recipient.actor, referral, "other", "  ", referral.version)
    services.refuse(recipient.actor, referral, "other", "Structure fermée", referral.version)
    referral.refresh_from_db()
    assert (referral.status, referral.refusal_code, referral.refusal_text) == (
        S.REFUSED,
        "other",
        "Structure fermée",
    )


def test_s1_refusal_reasons_exist():
    """S1: child welfare refuses "not in an insertion pathway", the 115 "no place", the health
    fund's urgent processing "criteria not met"."""
    assert "not_in_insertion_pathway" in dict(REFUSAL_CODES[ServiceKind.CHILD_WELFARE_YOUNG_ADULT])
    assert "no_place" in dict(REFUSAL_CODES[ServiceKind.EMERGENCY_HOUSING_115])
    assert "criteria_not_met" in dict(REFUSAL_CODES[ServiceKind.HEALTH_INSURANCE])


def test_young_adult_refusal_reason_exists(referent, case, db):
    ase = make_persona("ase", kind="child_welfare", dep="33")
    young_adult = ServiceFactory(
        organisation=ase.actor.organisation, young_adult=True, national=True
    )
    give_consent(referent, case, ase.actor.organisation)
    referral = send(referent, case, young_adult)
    services.refuse(ase.actor, referral, "not_in_insertion_pathway", "", referral.version)
    referral.refresh_from_db()
    assert referral.refusal_code == "not_in_insertion_pathway"


@pytest.mark.parametrize("group", sorted(FieldGroup.values))
def test_recipient_sees_exactly_the_shared_groups(group, referent, recipient, case, service):
    give_consent(referent, case, service.organisation)
    shared = {"identity", group}
    referral = send(referent, case, service, shared_groups=shared)
    assert not rules.can_view_case(recipient.actor, case)  # nothing of the person before
    services.accept(recipient.actor, referral, referral.version)
    seen = rules.groups_for(actor_for(recipient.user), case)
    assert seen == shared
    for other in set(FieldGroup.values) - shared:
        assert other not in seen


def test_acceptance_copies_the_basis(referent, recipient, case, service, referral, consent):
    services.accept(recipient.actor, referral, referral.version)
    joined = case.participants.get(organisation=recipient.actor.organisation, active=True)
    assert (joined.basis, joined.consent_date, joined.legal_basis) == (
        SharingBasis.CONSENT,
        consent.given_on,
        "",
    )
    assert joined.groups == ["identity", "social"] and joined.role == "shelter"


def test_acceptance_on_a_legal_basis(referent, recipient, case, service):
    referral = send(
        referent, case, service, basis=SharingBasis.LEGAL, legal_basis=LegalBasis.SOCIAL_ACTION
    )
    services.accept(recipient.actor, referral, referral.version)
    joined = case.participants.get(organisation=recipient.actor.organisation, active=True)
    assert (joined.basis, joined.consent_date, joined.legal_basis) == (
        SharingBasis.LEGAL,
        None,
        LegalBasis.SOCIAL_ACTION,
    )


def test_overdue_after_the_delay_of_the_kind(clock, referral, recipient):
    """A shelter answers within 48 hours; acknowledging does not stop the delay, answering
    does."""
    assert services.due_at(referral) == referral.sent_at + datetime.timedelta(hours=48)
    clock.shift(datetime.timedelta(hours=47))
    assert not services.overdue(referral, timezone.now())
    clock.shift(datetime.timedelta(hours=2))  # 49 hours after it was sent
    assert services.overdue(referral, timezone.now())
    services.acknowledge(recipient.actor, referral)
    referral.refresh_from_db()
    assert services.overdue(referral, timezone.now())
    services.accept(recipient.actor, referral, referral.version)
    referral.refresh_from_db()
    assert not services.overdue(referral, timezone.now())


def test_expire_overdue_is_idempotent(clock, referral, referent, case, service_115, siao):
    give_consent(referent, case, siao.actor.organisation)
    call = send(referent, case, service_115)
    clock.shift(datetime.timedelta(hours=4))  # the 115's delay, to the second: not yet
    assert services.expire_overdue(timezone.now()) == 0
    clock.shift(datetime.timedelta(hours=1))
    assert services.expire_overdue(timezone.now()) == 1  # the 115 (4 h), not the shelter (48 h)
    assert services.expire_overdue(timezone.now()) == 0
    call.refresh_from_db()
    referral.refresh_from_db()
    assert (call.status, referral.status) == (S.EXPIRED, S.SENT)
    last = call.transitions.last()
    assert last.to_status == S.EXPIRED and last.by_user is None


def test_four_calls_to_the_115_are_one_line_of_attempts(referent, case, service_115, siao):
    give_consent(referent, case, siao.actor.organisation)
    for _ in range(4):
        call = send(referent, case, service_115)
        services.refuse(siao.actor, call, "no_place", "", call.version)
    line = services.attempts(case, ServiceKind.EMERGENCY_HOUSING_115)
    assert [(r.status, r.refusal_code) for r in line] == [(S.REFUSED, "no_place")] * 4
    assert [r.created_at for r in line] == sorted(r.created_at for r in line)
    assert services.attempts(case, ServiceKind.SHELTER) == []


def test_who_sees_which_referral(
    referent, participant, recipient, outsider, case, service, consent
):
    draft = send(referent, case, service, draft=True)
    referral = send(referent, case, service)
    assert set(Referral.objects.visible_to(referent.actor)) == {draft, referral}
    assert set(Referral.objects.visible_to(participant.actor)) == {draft, referral}
    assert list(Referral.objects.visible_to(recipient.actor)) == [referral]
    assert list(Referral.objects.visible_to(outsider.actor)) == []
    assert not rules.can_view_case(recipient.actor, case)


def test_a_draft_is_sent_only_with_consent(referent, case, service):
    draft = send(referent, case, service, draft=True)
    assert draft.status == S.DRAFT
    with pytest.raises(DomainError):
        services.send(referent.actor, draft)
    give_consent(referent, case, service.organisation)
    services.send(referent.actor, draft)
    draft.refresh_from_db()
    assert draft.status == S.SENT and draft.consent is not None


def test_nobody_shares_a_group_they_do_not_see(case, db):
    """A caseworker of the referent who may not see the location cannot share it either."""
    import uuid

    from parcours.core.errors import DomainError
    from parcours.referrals import services

    colleague = personas.make_persona("colleague-no-location", organisation=case.referent_org)
    other = personas.facility_staff("shelter-x")
    service = ServiceFactory(organisation=other.actor.organisation, shelter=True, national=True)
    with pytest.raises(DomainError, match="location|Localisation|localisation"):
        services.create_and_send(
            colleague.actor,
            case,
            service,
            purpose="Mise à l'abri",
            shared_groups=["identity", "location"],
            urgency="urgent",
            basis="legal",
            legal_basis="casf_l121_6_2",
            request_token=uuid.uuid4(),
        )
