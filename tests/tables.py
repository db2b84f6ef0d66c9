"""Expected state machines written out as tables in the tests (never read from the code's own
``TRANSITIONS``, so that a wrong table in the code fails a test)."""


def transitions(text: str) -> set[tuple[str, str]]:
    """The (from, to) moves marked ``x`` in a table whose first line names the targets and whose
    other lines start with the source status."""
    header, *rows = (line.split() for line in text.strip().splitlines())
    return {
        (row[0], to)
        for row in rows
        for to, mark in zip(header, row[1:], strict=True)
        if mark == "x"
    }


def statuses(text: str) -> tuple[set[str], set[str]]:
    """The statuses named by the table's rows and by its columns (both must be all of them)."""
    header, *rows = (line.split() for line in text.strip().splitlines())
    return {row[0] for row in rows}, set(header)
