"""French départements, shipped as data (source: INSEE, Code officiel géographique).

Issue 5 adds regions and reference points for distances; the codes here are the keys.
"""

import csv
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "departements.csv"


@lru_cache(maxsize=1)
def departements() -> dict[str, str]:
    with DATA.open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def departement_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in departements().items()]


def departement_name(code: str) -> str:
    return departements().get(code, code)
