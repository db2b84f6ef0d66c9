"""Case-conference pages (to be written)."""


def case_conference_context(actor, case, groups) -> dict:
    return {}
