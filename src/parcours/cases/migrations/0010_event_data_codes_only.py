"""Event data holds codes and ids only (issue 9, "Where she sleeps stays secret").

Events written before kept an organisation's name (``{"organisation": "Centre ..."}``) and an
arrival kept the place's name (``{"place": "Chez Mme ..."}``), in clear. The name becomes the
organisation's id (the page names it through the redaction object, "a facility of the network"
to readers without the location group); an arrival's place becomes the placement's id, or is
dropped when no placement of the case matches. The titles of tasks made from a conference
decision outside the social group named their owner ("... pour Centre ..."): the owner's name
is taken out (the task shows its owner, redacted for each reader).
"""

from django.db import migrations


def _organisation_ids(Organisation) -> dict[str, int]:
    """Name -> id, for names that belong to one organisation only (an ambiguous name is
    dropped rather than guessed)."""
    ids: dict[str, int] = {}
    ambiguous: set[str] = set()
    for pk, name in Organisation.objects.values_list("pk", "name"):
        if name in ids:
            ambiguous.add(name)
        ids[name] = pk
    return {name: pk for name, pk in ids.items() if name not in ambiguous}


def _placement_for(Placement, event, place_name: str):
    for placement in Placement.objects.filter(case_id=event.case_id).select_related("facility"):
        name = (
            placement.facility.name
            if placement.facility_id
            else (placement.manual_place or {}).get("name", "")
        )
        if name == place_name:
            return placement.pk
    return None


def codes_only(apps, schema_editor):
    Event = apps.get_model("cases", "Event")
    Organisation = apps.get_model("accounts", "Organisation")
    Placement = apps.get_model("shelter", "Placement")
    Decision = apps.get_model("conferences", "Decision")
    ids = _organisation_ids(Organisation)

    for event in Event.objects.filter(data__has_key="organisation").iterator():
        data = dict(event.data)
        name = data.pop("organisation")
        if "organisation_id" not in data and name in ids:
            data["organisation_id"] = ids[name]
        event.data = data
        event.save(update_fields=["data"])

    for event in Event.objects.filter(data__has_key="place").iterator():
        data = dict(event.data)
        place = data.pop("place")
        if "placement" not in data:
            placement = _placement_for(Placement, event, place)
            if placement is not None:
                data["placement"] = placement
        event.data = data
        event.save(update_fields=["data"])

    decisions = Decision.objects.filter(task__isnull=False).exclude(group="social")
    for decision in decisions.select_related("task", "owner_org"):
        task, name = decision.task, decision.owner_org.name
        title = task.title
        for joint in (f" pour {name}", f" for {name}"):
            title = title.replace(joint, "")
        if title != task.title:
            task.title = title
            task.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_sharing_refused_at_scope_index"),
        ("accounts", "0002_organisation_departement_index"),
        ("shelter", "0001_initial"),
        ("conferences", "0002_encrypt_place_and_consent"),
    ]

    operations = [migrations.RunPython(codes_only, migrations.RunPython.noop)]
