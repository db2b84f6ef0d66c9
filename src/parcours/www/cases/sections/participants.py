"""Who takes part (the host facility as "a facility of the network" to readers who may not
know where the person sleeps) and a hand-over waiting for its answer."""

from parcours.cases import handover


def context(view, forms) -> dict:
    return {
        "participants": view.participants(),
        "pending_handover": handover.pending(view.case) if view.editable else None,
    }
