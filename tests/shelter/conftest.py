"""Shelter fixtures: a small fictional network and the personas who run it."""

import datetime

import pytest
from django.utils import timezone

from parcours.core.geography import departement_point
from parcours.core.roles import OrganisationKind, Role
from parcours.shelter.models import Facility
from tests.conftest import make_persona


def build_facility(organisation, name, departement, *, free=2, capacity=10, **kwargs):
    """A facility at its département's reference point, availability updated now."""
    lat, lon = departement_point(departement)
    values = {
        "organisation": organisation,
        "name": name,
        "kind": "chrs",
        "address": f"1 rue fictive, {name}",
        "departement": departement,
        "lat": lat,
        "lon": lon,
        "capacity": capacity,
        "free": free,
        "availability_at": timezone.now(),
    }
    values.update(kwargs)
    return Facility.objects.create(**values)


@pytest.fixture
def territorial_coordinator(db):
    """The territorial coordinator of Gironde, where the ``case`` fixture's referent is."""
    return make_persona(
        "coord-33",
        kind=OrganisationKind.TERRITORIAL_COORDINATOR,
        role=Role.COORDINATOR,
        dep="33",
    )


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)
