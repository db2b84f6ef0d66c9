"""Two referents proposing the last place of a facility at the same moment, on real row locks
(PostgreSQL; SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection

from parcours.shelter import placement
from parcours.shelter.models import Facility, Placement
from tests import personas
from tests.factories import FacilityFactory
from tests.shelter.conftest import yesterday

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def test_the_last_place_goes_to_one_the_other_is_told(journal_flushable, referent, case, host):
    from parcours.cases import services

    other = personas.make_persona("other-referent", dep="35")
    other_case = services.open_case(
        other.actor,
        {"given_names": "Deuxième", "family_name": "Fictive", "sex": "F"},
        intake_token=None,
        first_contact="Test de concurrence (fictif).",
    )
    facility = FacilityFactory(organisation=host.actor.organisation, departement="29", free=1)

    def ask(persona, for_case):
        from parcours.shelter import zones

        zones.assess(persona.actor, for_case, dangers=[], level="medium")  # no place before it
        return persona, placement.create_request(
            persona.actor, for_case, sex="F", consent_date=yesterday()
        )

    requests = {"first": ask(referent, case), "second": ask(other, other_case)}
    barrier = threading.Barrier(2)
    errors = []

    def propose(name):
        from django.db import connections

        persona, request = requests[name]
        try:
            barrier.wait(timeout=10)
            placement.propose(persona.actor, request, [Facility.objects.get(pk=facility.pk)])
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=propose, args=(name,)) for name in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    statuses = sorted(Placement.objects.values_list("status", flat=True))
    assert statuses == ["cancelled", "proposed"]
    told = Placement.objects.get(status="cancelled").transitions.last().note
    assert "another proposal took it" in told or "une autre proposition" in told
    facility.refresh_from_db()
    assert facility.free == 0
