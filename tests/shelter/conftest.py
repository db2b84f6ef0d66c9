"""Shelter fixtures: a small fictional network and the personas who run it."""

import datetime

import pytest
from django.utils import timezone

from tests import personas
from tests.factories import FacilityFactory


def build_facility(organisation, name, departement, *, free=2, capacity=10, **kwargs):
    """A facility at its département's reference point, availability updated now (the
    positional shorthand of ``FacilityFactory``; traits and fields go in ``kwargs``)."""
    return FacilityFactory(
        organisation=organisation,
        name=name,
        departement=departement,
        free=free,
        capacity=capacity,
        **kwargs,
    )


@pytest.fixture
def territorial_coordinator(db):
    """The territorial coordinator of Gironde, where the ``case`` fixture's referent is."""
    return personas.territorial("coord-33", dep="33")


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def host_the_person(referent, case, host, facility=None, *, sex="M"):
    """``host``'s facility accepts the person of ``case`` (the referent assesses the dangers,
    asks a place and proposes it): the host organisation takes part in the case. Returns the
    accepted placement."""
    from parcours.shelter import placement, zones

    facility = facility or FacilityFactory(organisation=host.actor.organisation)
    if zones.needs_assessment(case):  # no place before the safety assessment
        zones.assess(referent.actor, case, dangers=[], level="medium")
    request = placement.create_request(referent.actor, case, sex=sex, consent_date=yesterday())
    (proposed,) = placement.propose(referent.actor, request, [facility])
    placement.answer(host.actor, proposed, accept=True, expected_version=proposed.version)
    proposed.refresh_from_db()
    return proposed
