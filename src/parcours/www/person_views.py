"""The person page, by field group, with its access history for the referent."""

from django.shortcuts import render

from parcours.access import rules
from parcours.access.groups import FieldGroup
from parcours.access.scopes import visible_cases
from parcours.access.shortcuts import get_person_or_404
from parcours.audit.enums import Action
from parcours.audit.journal import history_for, record
from parcours.people.models import FIELD_GROUPS

HISTORY_ROWS = 100


def person_detail(request, ref):
    actor = request.actor
    person = get_person_or_404(actor, ref)
    groups = rules.groups_for_person(actor, person)
    sections = []
    for group, label in FieldGroup.choices:
        fields = []
        if group in groups:
            for name in FIELD_GROUPS[group]:
                field = person._meta.get_field(name)
                fields.append((field.verbose_name, _display(person, name)))
        sections.append(
            {"code": group, "label": label, "visible": group in groups, "fields": fields}
        )
    show_history = rules.can_view_access_history(actor, person)
    history = history_for(person)[:HISTORY_ROWS] if show_history else []
    record(actor, Action.VIEW_PERSON, person, groups=groups)
    if show_history:
        record(actor, Action.VIEW_HISTORY, person)
    context = {
        "person": person,
        "sections": sections,
        "cases": visible_cases(actor, person.cases.select_related("referent_org")),
        "history": history,
        "show_history": show_history,
    }
    return render(request, "www/people/detail.html", context)


def _display(person, name: str) -> str:
    value = getattr(person, name)
    if name == "birth_date":
        return person.birth_date_display()
    if name == "sex":
        return person.get_sex_display()
    if isinstance(value, list):
        return ", ".join(value)
    return value or ""
