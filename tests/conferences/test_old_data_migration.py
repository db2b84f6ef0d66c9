"""Data written before issue 9 kept names in clear: the migration ``cases.0010`` leaves codes and
ids only (an organisation's name becomes its id; an arrival's place becomes the placement's id
or goes), and takes the owner's name out of conference-decision task titles."""

import importlib

from django.apps import apps

from parcours.cases.enums import EventKind
from parcours.cases.models import Event

migration = importlib.import_module("parcours.cases.migrations.0010_event_data_codes_only")


def _old_event(case, data, kind=EventKind.PARTICIPANT_ADDED):
    return Event.objects.create(case=case, kind=kind, at=case.opened_at, data=data)


def test_names_in_event_data_become_ids_or_go(case, participant):
    organisation = participant.actor.organisation
    added = _old_event(case, {"organisation": organisation.name})
    unknown = _old_event(case, {"organisation": "Centre d'hébergement fermé depuis"})
    arrival = _old_event(
        case, {"step": "arrived", "place": "Chez Mme Martin 12 rue des Lilas"}, EventKind.PLACEMENT
    )
    kept = _old_event(case, {"from": "open", "to": "in_safety"}, EventKind.STATUS)

    migration.codes_only(apps, None)

    for event in (added, unknown, arrival, kept):
        event.refresh_from_db()
    assert added.data == {"organisation_id": organisation.pk}
    assert unknown.data == {}
    assert arrival.data == {"step": "arrived"}
    assert kept.data == {"from": "open", "to": "in_safety"}
    stored = " ".join(str(e.data) for e in Event.objects.filter(case=case))
    assert "Martin" not in stored and organisation.name not in stored


def test_decision_task_titles_no_longer_name_their_owner(held, participant):
    decision = held.decisions.get(group="justice")
    owner = decision.owner_org.name
    task = decision.task
    task.title = (
        f"Décision de la réunion de concertation du 01/12/2026 pour {owner} : consultez-la."
    )
    task.save(update_fields=["title"])

    migration.codes_only(apps, None)

    task.refresh_from_db()
    assert owner not in task.title
    assert task.title.startswith("Décision de la réunion de concertation du 01/12/2026 :")
    social = held.decisions.get(group="social").task
    social.refresh_from_db()
    assert social.title  # a social decision's own text is left as written
