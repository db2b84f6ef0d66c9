"""Permission-matrix entries of the facility staff's routes (merged into test_permission_matrix).

route name -> (method, kwargs kind, expected answer per persona); kinds start with "facility"
and are built by ``facility_url``: "facility" is a facility of a shelter organisation none of the
personas works for, "facility_placement" a proposal of the ``case`` fixture (made by its
referent) to such a facility. None of the personas works for these facilities (the host's staff
work for another one): their own lists answer 200 (empty but for the host's), every facility or
proposal URL 404. The API never redirects: anonymous gets 403 JSON.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.personas import MATRIX_SIGNED_IN

LOGIN = "login-redirect"
SIGNED_IN = list(MATRIX_SIGNED_IN)


def _everyone(status, anonymous=LOGIN):
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status)}


FACILITY_MATRIX = {
    "facility_list": ("get", None, _everyone(200)),
    "facility_availability": ("post", "facility", _everyone(404)),
    "placement_inbox": ("get", None, _everyone(200)),
    "placement_answer": ("post", "facility_placement", _everyone(404)),
    "placement_host_arrival": ("post", "facility_placement", _everyone(404)),
    "facility_availability_api": ("get", "facility", _everyone(404, anonymous=403)),
}


def make_facility(*, dep="13", capacity=10, free=3, organisation=None, **fields):
    """A facility of a shelter organisation (a new one unless given) in Marseille, updated an
    hour ago (``FacilityFactory`` with this module's defaults)."""
    from tests.factories import FacilityFactory, OrganisationFactory

    organisation = organisation or OrganisationFactory(
        shelter=True, departement=dep, city="Marseille"
    )
    values = {
        "name": f"Centre fictif {organisation.pk}",
        "address": "12 rue Imaginaire, Marseille",
        "lat": 43.3,
        "lon": 5.4,
        "availability_at": timezone.now() - datetime.timedelta(hours=1),
        **fields,
    }
    return FacilityFactory(
        organisation=organisation, departement=dep, capacity=capacity, free=free, **values
    )


def propose_to(case, facility):
    """The case's referent asks a safe place of ``facility`` (the request, then the proposal)."""
    from parcours.core.actor import actor_for
    from parcours.shelter import placement, zones

    actor = actor_for(case.referent_user)
    if zones.needs_assessment(case):  # no place before the safety assessment
        zones.assess(actor, case, dangers=[], level="medium")
    request = placement.create_request(
        actor, case, sex="F", consent_date=timezone.localdate(), languages=["soussou"]
    )
    proposal = placement.propose(actor, request, [facility])[0]
    proposal.refresh_from_db()  # asked (or cancelled when the place was taken meanwhile)
    return proposal


def facility_url(name, kind, case):
    if kind == "facility":
        return reverse(name, kwargs={"pk": make_facility().pk})
    if kind == "facility_placement":
        proposal = propose_to(case, make_facility())
        return reverse(name, kwargs={"pk": proposal.pk})
    raise NotImplementedError(kind)
