"""Safety and shelter: dangers and danger zones (safety group), placement requests and where
the person was placed (location group), from ``shelter.reading``."""

from parcours.shelter import reading


def context(view, forms) -> dict:
    return {"shelter": reading.shelter_section(view)}
