"""Case conferences of the case, and whether the reader may convene one."""

from parcours.conferences import rules as conference_rules


def context(view, forms) -> dict:
    return {
        "conferences": view.conferences(),
        "can_convene_conference": conference_rules.can_convene(view.actor, view.case),
    }
