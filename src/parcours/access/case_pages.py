"""The list of cases a page at a time, read in order from indexes, so that a page costs the same
in a département of fifty cases and in a country of a million.

The order: the reader's own cases first (those they follow as referent), then the others, each
part newest opened first (ties by id). A page is read from a cursor, the case at its edge, named
by its reference (URLs carry references only): "older" reads the cases after it in that order,
"newer" the ones before it; the first and the last page need no cursor. No ``OFFSET``: a deep
page reads as few rows as the first.

Each reason the reader sees cases (``scopes.case_clauses``: the referent organisation, its
participations, each organisation of a territory, break-glass) is read through its own index,
limited to a page, and the union of these short reads is ordered and cut to the page. The count
stops at ``COUNT_CAP``: beyond it the page says "more than".
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from parcours.access.scopes import case_clauses

COUNT_CAP = 1000

NEWEST_FIRST = ("-opened_at", "-pk")
OLDEST_FIRST = ("opened_at", "pk")


@dataclass(frozen=True)
class CasePage:
    cases: list
    count: int  # capped: COUNT_CAP + 1 means "more than COUNT_CAP"
    newer: str  # the reference to read the page before this one from ("" at the start)
    older: str  # the reference to read the page after this one from ("" at the end)

    cap = COUNT_CAP

    @property
    def more_than_cap(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def case_page(
    actor, narrow: Q | None = None, *, older_than="", newer_than="", oldest=False, size=25
):
    """One page of the cases ``actor`` sees that match ``narrow`` (a ``Q`` on ``Case``): the
    first page, the one after ``older_than`` (a case reference), the one before ``newer_than``,
    or the last one (``oldest``). An unknown or invisible reference reads the first page."""

    from parcours.cases.models import Case

    narrow = narrow or Q()
    clauses = case_clauses(actor, per_organisation=True)  # read once for the whole page
    ref = older_than or newer_than
    cursor = _visible_case(clauses, ref) if ref else None
    backward = (cursor is not None and not older_than) or (cursor is None and oldest)
    # The two parts in the order read (own cases, then the others; the other way backward),
    # from the cursor's part on: the first one from the cursor, the next one from its edge.
    parts = ["others", "own"] if backward else ["own", "others"]
    if cursor is not None:
        own = actor.user is not None and cursor.referent_user_id == actor.user.pk
        parts = parts[parts.index("own" if own else "others") :]
    found = []
    for number, part in enumerate(parts):
        start = cursor if number == 0 else None
        found += _read_part(actor, clauses, part, narrow, start, backward, size + 1 - len(found))
        if len(found) > size:
            break
    more = len(found) > size
    # The page's cases in one read, whichever parts gave them.
    by_id = Case.objects.select_related("referent_org").in_bulk(found[:size])
    found = [by_id[pk] for pk in found[:size] if pk in by_id]
    if backward:
        found.reverse()
        at_start, at_end = not more, cursor is None
    else:
        at_start, at_end = cursor is None, not more
    return CasePage(
        cases=found,
        count=_capped_count(clauses, narrow),
        newer="" if at_start or not found else found[0].ref,
        older="" if at_end or not found else found[-1].ref,
    )


def _visible_case(clauses, ref: str):
    """The case ``ref`` names if one of ``clauses`` gives it (each probed with its id through
    its own index: ``id IN (the whole scope)`` would read a territory's every case)."""
    from parcours.cases.models import Case

    case = Case.objects.filter(ref=ref).first()
    if case is None:
        return None
    probes = [clause.filter(pk=case.pk).values_list("pk")[:1] for clause in clauses]
    return case if _union(probes, "SELECT * FROM ({reads}) AS cases", all=True) else None


def _read_part(actor, clauses, part, narrow, start, backward, limit):
    """The ids of up to ``limit`` cases of one part, in order from ``start`` (excluded; None:
    the edge)."""
    if limit <= 0:
        return []
    order = OLDEST_FIRST if backward else NEWEST_FIRST
    beyond = Q()
    if start is not None:
        if backward:
            beyond = Q(opened_at__gte=start.opened_at) & (
                Q(opened_at__gt=start.opened_at) | Q(pk__gt=start.pk)
            )
        else:
            beyond = Q(opened_at__lte=start.opened_at) & (
                Q(opened_at__lt=start.opened_at) | Q(pk__lt=start.pk)
            )
    clauses = [clause.filter(narrow, beyond) for clause in clauses]
    if part == "own":
        if actor.user is None:
            return []
        # Each clause with the reader as referent: read through (referent_user, opened_at, id).
        clauses = [clause.filter(referent_user=actor.user) for clause in clauses]
    elif actor.user is not None:
        clauses = [clause.exclude(referent_user=actor.user) for clause in clauses]
    return _union_ids(clauses, order, limit)


def _union_ids(clauses, order, limit) -> list[int]:
    """The ids of the first ``limit`` cases, in ``order``, of the union of ``clauses``: each read
    through its index and cut to ``limit``, then merged in one statement."""
    reads = [clause.order_by(*order).values_list("opened_at", "pk")[:limit] for clause in clauses]
    if order == NEWEST_FIRST:
        rows = _union(reads, "SELECT * FROM ({reads}) AS cases ORDER BY 1 DESC, 2 DESC")
    else:
        rows = _union(reads, "SELECT * FROM ({reads}) AS cases ORDER BY 1, 2")
    return [pk for _opened_at, pk in rows[:limit]]


def _capped_count(clauses, narrow) -> int:
    """How many cases of ``clauses`` match ``narrow``, counted up to ``COUNT_CAP + 1``: the
    reads are chained (``UNION ALL``) and stop at ``COUNT_CAP + 1`` rows, whatever the size of
    the territory. A case several clauses give is counted once; only when such repeats fall in
    a cut read is the (rare, bounded) exact count read."""
    limit = COUNT_CAP + 1
    reads = [clause.filter(narrow).values_list("pk")[:limit] for clause in clauses]
    rows = _union(
        reads,
        "SELECT COUNT(*), COUNT(DISTINCT pk) FROM ({reads} LIMIT %s) AS cases",
        [limit],
        all=True,
    )
    if not rows:
        return 0
    read, distinct = rows[0]
    if read < limit or distinct == limit:
        return distinct  # every read whole, or enough cases without the repeats
    rows = _union(reads, "SELECT COUNT(*) FROM ({reads}) AS cases")
    return min(rows[0][0], limit)


def _union(reads, around: str, extra=(), all: bool = False) -> list[tuple]:
    """Run ``around`` (``{reads}``: where the union goes; ``extra``: its own parameters) on the
    distinct union of ``reads`` (sliced querysets; ``all``: with their repeats). The ORM cannot
    put ``ORDER BY ... LIMIT`` inside a ``UNION`` on SQLite; both databases take each read as a
    derived table."""
    if not reads:
        return []
    parts, params = [], []
    for number, read in enumerate(reads):
        sql, read_params = read.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part{number}")  # noqa: S608 (the ORM's SQL)
        params += read_params
    with connection.cursor() as cursor:
        union = " UNION ALL " if all else " UNION "
        cursor.execute(around.replace("{reads}", union.join(parts), 1), [*params, *extra])
        return cursor.fetchall()
