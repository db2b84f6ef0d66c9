"""References that do not collide (issue 14, item 4): a reference drawn at random that is
already taken is drawn again inside the caller's transaction, so an intake never fails on it;
any other integrity error (the same intake posted twice) is not hidden."""

import uuid
from unittest import mock

import pytest
from django.db import IntegrityError, transaction

from parcours.cases import services
from parcours.cases.models import Case
from parcours.core import models as core_models
from parcours.core.refs import is_valid_reference
from parcours.people.models import Person
from parcours.referrals import services as referrals
from parcours.referrals.models import Referral
from tests.factories import ServiceFactory
from tests.personas import make_persona
from tests.www.conftest import give_consent


def _default(model, answer):
    """The model's reference default (Django caches it on the field as ``_get_default``)."""
    return mock.patch.object(model._meta.get_field("ref"), "_get_default", answer)


def _taken_first(model, taken):
    """The model's reference default answers ``taken`` once, then fresh ones."""
    answers = iter([taken])
    fresh = model._meta.get_field("ref").default
    return _default(model, lambda: next(answers, None) or fresh())


def test_an_intake_whose_case_and_person_references_are_taken_still_opens(referent):
    first = services.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Un"})
    drawn_again, draw = [], core_models.new_reference
    with (
        _taken_first(Case, first.ref),
        _taken_first(Person, first.person.ref),
        mock.patch.object(core_models, "new_reference", lambda p: drawn_again.append(p) or draw(p)),
    ):
        second = services.open_case(
            referent.actor, {"family_name": "Fictif", "given_names": "Deux"}
        )
    assert second.ref != first.ref and second.person.ref != first.person.ref
    assert sorted(drawn_again) == ["C", "P"]  # each taken one was tried, then drawn again
    assert is_valid_reference("C", second.ref) and is_valid_reference("P", second.person.ref)
    assert Case.objects.count() == 2
    assert second.events.filter(kind="opened").exists()  # the rest of the intake was kept


def test_a_referral_whose_reference_is_taken_is_still_sent(referent, case):
    recipient = make_persona("foyer-fictif", kind="association", dep="33")
    service = ServiceFactory(organisation=recipient.actor.organisation)
    give_consent(referent, case, recipient.actor.organisation)
    first = referrals.create_and_send(
        referent.actor, case, service, purpose="Un", request_token=uuid.uuid4()
    )
    with _taken_first(Referral, first.ref):
        second = referrals.create_and_send(
            referent.actor, case, service, purpose="Deux", request_token=uuid.uuid4()
        )
    assert second.ref != first.ref and second.status == "sent"


def test_another_integrity_error_is_not_hidden(referent):
    """A second case with the intake token of the first is refused, not given a new ref."""
    token = uuid.uuid4()
    first = services.open_case(
        referent.actor, {"family_name": "Fictif", "given_names": "Un"}, intake_token=token
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            person=first.person,
            episode=2,
            referent_org=first.referent_org,
            referent_user=first.referent_user,
            opened_at=first.opened_at,
            intake_token=token,
            created_by=first.created_by,
            last_contact_at=first.opened_at,
        )
    assert Case.objects.count() == 1


def test_it_gives_up_after_a_few_draws_rather_than_loop(referent):
    first = services.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Un"})
    with (
        _default(Case, lambda: first.ref),
        mock.patch.object(core_models, "new_reference", lambda prefix: first.ref),
        pytest.raises(IntegrityError),
    ):
        services.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Deux"})
