"""Blocked pathways: conditions that wait on each other (issue 12, item 4, the finding).

The graph of a case: each kind of service the case has asked (a referral sent, or refused) is a
node; a node points to another when its service states a requirement (in the directory,
``Service.required``, or for this very request, ``rights.StatedRequirement``) that the person
does not meet (``catalogue.requirements``: its condition is not known to hold) and that the other
kind of service provides. A cycle is a pathway nobody can enter: the hostel wants a contract,
the mission locale wants health cover, the fund wants an address, the address needs housing.
Cycles are found with the standard library's ``graphlib`` (one at a time: each found, one of its
edges is set aside and the search goes on). For each, the ways out: the ways out the catalogue
gives for the unmet condition of an edge (a domiciliation gives an address without housing),
when their service kind is not itself in the cycle.
"""

import graphlib
from dataclasses import dataclass, field

from parcours.rights.catalogue import Catalogue
from parcours.rights.facts import PREDICATES, Facts

PENDING = {"sent", "acknowledged", "refused", "expired"}


@dataclass(frozen=True)
class Edge:
    need: str  # the service kind that waits
    requirement: str  # the requirement code it states
    provider: str  # the service kind that would provide it


@dataclass(frozen=True)
class WayOutOffer:
    requirement: str
    right_id: str
    service_kind: str
    note: str


@dataclass
class Cycle:
    edges: list[Edge]
    ways_out: list[WayOutOffer] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return [edge.need for edge in self.edges]


def _unmet(code: str, rights: Catalogue, facts: Facts) -> bool:
    provision = rights.requirements.get(code)
    if provision is None:
        return False
    if not provision.met_by:
        return True  # no fact says it: it waits until the service has it
    return PREDICATES[provision.met_by](facts) is not True


def edges_of(needs: dict[str, set[str]], rights: Catalogue, facts: Facts) -> list[Edge]:
    """``needs``: service kind asked -> the requirement codes stated for it."""
    edges = []
    for need, codes in needs.items():
        for code in sorted(codes):
            if not _unmet(code, rights, facts):
                continue
            for provider in rights.requirements[code].provided_by:
                if provider in needs and provider != need:
                    edges.append(Edge(need, code, provider))
    return edges


def find_cycles(edges: list[Edge]) -> list[list[Edge]]:
    remaining = list(edges)
    cycles = []
    while True:
        graph: dict[str, set[str]] = {}
        for edge in remaining:
            graph.setdefault(edge.need, set()).add(edge.provider)
        try:
            graphlib.TopologicalSorter(graph).prepare()
            return cycles
        except graphlib.CycleError as error:
            # graphlib gives the cycle backwards (each node is a predecessor of the next):
            # each node is a prerequisite of the one before it, i.e. [a, b, ..., a] with a -> b.
            nodes = list(reversed(error.args[1]))
            cycle = []
            for need, provider in zip(nodes, nodes[1:], strict=False):
                cycle.append(next(e for e in remaining if (e.need, e.provider) == (need, provider)))
            cycles.append(cycle)
            remaining.remove(cycle[0])


def ways_out(cycle: list[Edge], rights: Catalogue) -> list[WayOutOffer]:
    in_cycle = {edge.need for edge in cycle}
    offers = []
    for edge in cycle:
        provision = rights.requirements[edge.requirement]
        facts_needed = PREDICATES[provision.met_by].needs if provision.met_by else ()
        for right in rights:
            for way in right.ways_out:
                target = rights.rights[way.by]
                if way.missing not in facts_needed or target.service_kind in in_cycle:
                    continue
                offer = WayOutOffer(edge.requirement, target.id, target.service_kind, str(way.note))
                known = {(o.right_id, o.requirement) for o in offers}
                if (offer.right_id, offer.requirement) not in known:
                    offers.append(offer)
    return offers


def blocked(needs: dict[str, set[str]], rights: Catalogue, facts: Facts) -> list[Cycle]:
    """The cycles of a case's requests, each with its ways out."""
    return [Cycle(c, ways_out(c, rights)) for c in find_cycles(edges_of(needs, rights, facts))]
