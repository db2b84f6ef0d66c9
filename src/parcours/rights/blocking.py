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

A chain is the other way a pathway stops: requests that wait, one on the next, on a request
that is stuck (refused, expired, or unanswered past its delay, ``referrals.deadlines``). The
hostel waits for the contract, the mission locale for the health cover, and the health
insurance has not answered for two months: nothing moves until someone acts on the last one.
Edges already in a cycle are not chains (the cycle is shown).
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
class Chain:
    edges: list[Edge]  # from the request that waits furthest away to the stuck one
    stuck: str  # the service kind whose request is stuck
    why: str  # STUCK_REFUSED, STUCK_EXPIRED or STUCK_OVERDUE
    ways_out: list[WayOutOffer] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return [edge.need for edge in self.edges] + [self.stuck]


STUCK_REFUSED, STUCK_EXPIRED, STUCK_OVERDUE = "refused", "expired", "overdue"


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
    """The catalogue's ways out of the unmet requirements of ``cycle`` (a cycle's or a chain's
    edges), through a kind of service that is not itself one of its requests."""
    in_cycle = {edge.need for edge in cycle} | {edge.provider for edge in cycle}
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


def chains(edges: list[Edge], cycles: list[list[Edge]], stuck: dict[str, str]) -> list[Chain]:
    """The requests waiting, one on the next, on a stuck one (``stuck``: kind -> why), each
    chain from the request furthest away; edges of a cycle aside."""
    in_cycles = {(e.need, e.provider) for cycle in cycles for e in cycle}
    edges = [e for e in edges if (e.need, e.provider) not in in_cycles]
    providers: dict[tuple[str, str], set[str]] = {}
    for edge in edges:
        providers.setdefault((edge.need, edge.requirement), set()).add(edge.provider)
    # A request is held up when every request that could give one of its requirements is stuck
    # or held up itself: one still on its way (a domiciliation asked two days ago) is hope.
    held = set(stuck)
    grown = True
    while grown:
        grown = False
        for (need, _code), kinds in providers.items():
            if need not in held and kinds <= held:
                held.add(need)
                grown = True
    waiting_on: dict[str, list[Edge]] = {}
    for edge in edges:
        if providers[(edge.need, edge.requirement)] <= held:
            waiting_on.setdefault(edge.provider, []).append(edge)

    def back(kind, path, seen):
        longer = [e for e in waiting_on.get(kind, []) if e.need not in seen]
        if not longer:
            yield path
        for edge in longer:
            yield from back(edge.need, [edge, *path], seen | {edge.need})

    found = []
    for kind in sorted(stuck):
        if waiting_on.get(kind):
            found += [Chain(path, kind, stuck[kind]) for path in back(kind, [], {kind})]
    return found


def waiting(
    needs: dict[str, set[str]], stuck: dict[str, str], rights: Catalogue, facts: Facts
) -> list[Chain]:
    """The chains of a case's requests waiting on a stuck one, each with its ways out."""
    edges = edges_of(needs, rights, facts)
    found = chains(edges, find_cycles(edges), stuck)
    for chain in found:
        chain.ways_out = ways_out(chain.edges, rights)
    return found
