"""Ids chosen by the seed for the rows others point at (people, cases, referrals...).

A run reserves, when it starts, a block of ids per table: ``STRIDES[name]`` ids per person of
the run, after the highest id the table has ever given (its rows and its sequence). The
``n``-th row of a kind of the run's ``i``-th person has the id ``base + i * stride + n``, so a
batch knows its ids before anything is written (a worker process can build it whole) and a
resumed batch gets the same ids as in a straight run. The table's sequence is moved past the
block, so that what the application writes meanwhile takes ids after it. Unused ids of a block
(a case with one referral out of three possible) are simply never used.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from parcours.demo.seed.tables import SPECS

# Rows of each kind one person may have at most.
STRIDES = {
    "person": 1,
    "case": 1,
    "referral": 3,
    "consent": 3,
    "task": 6,
    "request": 1,
    "placement": 3,
    "appointment": 3,
    "conference": 1,
}


class IdsTaken(Exception):
    """Rows were written after the run's block: the block cannot grow."""


def _table(name: str) -> str:
    return SPECS[name][0]._meta.db_table


def high_water(name: str) -> int:
    """The highest id the table has given: its rows' and its sequence's."""
    connection = connections[DEFAULT_DB_ALIAS]
    table = _table(name)
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # noqa: S608 (a model's table name)
        (highest,) = cursor.fetchone()
        highest = highest or 0
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            if sequence:
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                last, called = cursor.fetchone()
                highest = max(highest, last if called else last - 1)
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row:
                highest = max(highest, row[0])
    return highest


def move_sequence(name: str, last: int) -> None:
    """Make the table's next id come after ``last``."""
    connection = connections[DEFAULT_DB_ALIAS]
    table = _table(name)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, true)", [table, last]
            )
        elif connection.vendor == "sqlite":
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, table])
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last]
                )
        else:  # pragma: no cover (the project runs on SQLite and PostgreSQL)
            raise NotImplementedError(connection.vendor)


def reserve(people: int) -> dict[str, int]:
    """A new run's blocks for ``people`` people: the base id of each kind (call in a
    transaction)."""
    bases = {}
    for name, stride in STRIDES.items():
        bases[name] = high_water(name) + 1
        move_sequence(name, bases[name] + people * stride - 1)
    return bases


def grow(bases: dict[str, int], old_people: int, people: int) -> None:
    """Extend a run's blocks from ``old_people`` to ``people``; refused (``IdsTaken``) when a
    table gave ids after the old block meanwhile."""
    for name, stride in STRIDES.items():
        if high_water(name) > bases[name] + old_people * stride - 1:
            raise IdsTaken(name)
    for name, stride in STRIDES.items():
        move_sequence(name, bases[name] + people * stride - 1)
