"""How each kind of timeline event reads: every app describes its own kinds here.

An event holds codes and ids only (``Event.data``); the page turns them into a sentence in the
reader's language when it renders, through the describer the owning app registered (the cases
app for statuses, contacts, participants and hand-overs below; the conferences app for its
conferences, in its ``AppConfig.ready``). ``org_label(organisation_id)`` names an organisation
as the reader may see it (the redaction object's). A kind nobody describes reads as nothing
more than its label.
"""

from collections.abc import Callable

from parcours.cases.enums import CaseStatus, ContactChannel, EventKind

Describer = Callable[[dict, Callable], str]
_DESCRIBERS: dict[str, Describer] = {}


def register(kind: str, describer: Describer) -> None:
    _DESCRIBERS[kind] = describer


def describe(kind: str, data: dict, org_label) -> str:
    describer = _DESCRIBERS.get(kind)
    if describer is None or not data:
        return ""
    return describer(data, org_label)


def _status(data, org_label) -> str:
    labels = dict(CaseStatus.choices)
    return f"{labels.get(data.get('from'), '')} → {labels.get(data.get('to'), '')}"


def _contact(data, org_label) -> str:
    return str(dict(ContactChannel.choices).get(data.get("channel"), ""))


def _participant(data, org_label) -> str:
    return org_label(data.get("organisation_id"))


def _handover(data, org_label) -> str:
    from parcours.cases.models import Handover

    step = dict(Handover.Status.choices).get(data.get("step"), "")
    return f"{org_label(data.get('organisation_id'))} — {step}"


register(EventKind.STATUS, _status)
register(EventKind.CONTACT, _contact)
register(EventKind.PARTICIPANT_ADDED, _participant)
register(EventKind.PARTICIPANT_ENDED, _participant)
register(EventKind.HANDOVER, _handover)
