"""One intake for several people found together (S4): the shared part (operation, how they
were found, dangers and zones, a safe place for those who agree) and one row per person. The
number of rows is chosen first (``?personnes=12``); the cases are opened all or none."""

import uuid

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.access import rules
from parcours.shelter import intake
from parcours.www.cases.intake_forms import MAX_ROWS, GroupIntakeForm, PeopleFormSet
from parcours.www.common.submit import submit

DEFAULT_ROWS = 12


def _rows(request) -> int:
    try:
        wanted = int(request.GET.get("personnes", DEFAULT_ROWS))
    except ValueError:
        wanted = DEFAULT_ROWS
    return min(max(wanted, 1), MAX_ROWS)


def _filled(people) -> list:
    return [row for row in people.forms if row.has_changed()]


def case_open_group(request):
    actor = request.actor
    if not rules.can_open_case(actor):
        raise Http404
    if request.method == "POST":
        form = GroupIntakeForm(request.POST)
        people = PeopleFormSet(request.POST, prefix="p")
    else:
        form = GroupIntakeForm(initial={"intake_token": uuid.uuid4()})
        people = PeopleFormSet(prefix="p", initial=[{}] * _rows(request))

    def action(data):
        return intake.open_group(
            actor,
            [
                intake.PersonAtIntake(
                    data=row.person_data(data["sex"]),
                    consents_to_shelter=row.cleaned_data.get("consents_to_shelter", False),
                )
                for row in _filled(people)
            ],
            intake_token=data["intake_token"],
            operation=data["operation"],
            first_contact=data["first_contact"],
            safety=form.safety(),
            ask_shelter=data["ask_shelter"],
            consent_date=data.get("consent_date"),
            priority=int(data["priority"]),
        )

    if request.method == "POST":
        people_valid, form_valid = people.is_valid(), form.is_valid()
        count = len(_filled(people)) if people_valid else 0
        if people_valid and not count:
            form.add_error(None, _("Give at least one person."))
        elif people_valid and form_valid:
            message = ngettext("%(n)d case opened.", "%(n)d cases opened.", count) % {"n": count}
            if submit(request, form, action, message):
                return redirect("my_cases")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "people": people, "rows": len(people.forms), "max_rows": MAX_ROWS}
    return render(request, "www/cases/open_group.html", context, status=status)
