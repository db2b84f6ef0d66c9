"""Which shelter places fit a person, in what order, and the coordinator's batch allocation.

Pure domain logic over plain data (no Django): the shelter services convert their rows to
``FacilityRow`` / ``Needs`` / ``Request`` and call ``rank``, ``why_nothing_fits`` and
``allocate``. numpy for the columnar work, SciPy (HiGHS: ``linprog`` and ``milp``) for the
allocation. Three layers over one set of types, each in its module:

- ``types``: the plain data (zones, needs, facility rows and their table, ranked places,
  batch requests, allocations and the reason codes of the unplaced);
- ``feasibility``: the hard constraints, the same for ranking and allocation (profile, danger
  zones and their distance, security level, family, free places), and why nothing fits;
- ``ranking``: the fitness score and the order of the places a person can take now;
- ``allocation``: the batch allocation, exact (column generation with a proof of optimality,
  ``allocate``; the plain ``scipy.optimize.milp`` reference, ``exact_milp``), and its check.

This package re-exports their public names: import from ``parcours.shelter.matching``.
"""

from parcours.shelter.matching.allocation import (
    TRAVEL_TOL_KM,
    allocate,
    exact_milp,
    violations,
)
from parcours.shelter.matching.feasibility import (
    could_ever_fit,
    feasible,
    fits_profile,
    hosts_family,
    outside_zones,
    secure_enough,
    why_nothing_fits,
)
from parcours.shelter.matching.ranking import (
    BAND_EDGES_KM,
    NO_ZONE_BAND,
    WEIGHTS,
    band_labels,
    rank,
)
from parcours.shelter.matching.types import (
    MAX_SECURITY_LEVEL,
    SEXES,
    UNPLACED_REASONS,
    Allocation,
    FacilityRow,
    FacilityTable,
    Needs,
    Ranked,
    Request,
    Zone,
)

__all__ = [
    "SEXES",
    "MAX_SECURITY_LEVEL",
    "BAND_EDGES_KM",
    "NO_ZONE_BAND",
    "WEIGHTS",
    "Zone",
    "Needs",
    "FacilityRow",
    "FacilityTable",
    "Ranked",
    "Request",
    "Allocation",
    "UNPLACED_REASONS",
    "fits_profile",
    "hosts_family",
    "secure_enough",
    "outside_zones",
    "could_ever_fit",
    "feasible",
    "band_labels",
    "rank",
    "why_nothing_fits",
    "TRAVEL_TOL_KM",
    "exact_milp",
    "allocate",
    "violations",
]
