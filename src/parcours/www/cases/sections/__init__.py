"""The case page, composed of sections.

Each section is a small module of this package that takes the redaction object of the request
(``access.redaction.CaseView``) and the forms of a re-render after an error, and returns the
context keys its template needs; ``SECTIONS`` says where each stands on the page. A new
capability adds a section (a module, a template, a line below) without touching the others, and
joins the page-wide redaction test in the same commit. No two sections may give the same key.
"""

from collections.abc import Callable
from dataclasses import dataclass

from parcours.www.cases.sections import (
    appointments,
    conferences,
    contacts,
    identification,
    overview,
    participants,
    pathway,
    referrals,
    rights,
    safety,
    summary,
    tasks,
    timeline,
)

# The overview first (full width), then the rest at full width, the wide column, the narrow one.
COLUMNS = ("head", "top", "main", "side")


# The parts of the page that fold, by the id of their anchor (``?ouvrir=<id>#<id>`` unfolds one).
FOLDS = frozenset(
    {
        "pathway",
        "timeline",
        "participants",
        "tasks",
        "appointments",
        "referrals",
        "rights",
        "identification",
        "consents",
        "conferences",
        "contacts",
    }
)


@dataclass(frozen=True)
class Section:
    name: str
    column: str
    template: str
    context: Callable  # (view, forms) -> dict of context keys; (view, forms, page) if needs_page
    needs_page: bool = False  # reads what the sections before it gave (the overview)


def _section(module, column) -> Section:
    name = module.__name__.rsplit(".", 1)[-1]
    template = f"www/cases/sections/{name}.html"
    return Section(name, column, template, module.context, getattr(module, "NEEDS_PAGE", False))


SECTIONS: list[Section] = [
    _section(summary, "top"),
    _section(safety, "top"),
    _section(pathway, "top"),
    _section(identification, "main"),
    _section(rights, "main"),
    _section(timeline, "main"),
    _section(participants, "side"),
    _section(tasks, "side"),
    _section(appointments, "side"),
    _section(referrals, "side"),
    _section(conferences, "side"),
    _section(contacts, "side"),
    _section(overview, "head"),  # last computed (it sums up the others), first shown
]


def page_context(view, forms: dict, unfold: str = "") -> dict:
    """The case page's context: what every section shares (the case's summary, the reader's
    groups, whether it edits the case, the section to show unfolded), each section's keys, and
    ``sections``, the templates by column."""
    context = {
        "case": view.summary,
        "groups": view.groups,
        "editable": view.editable,
        "unfold": unfold,
    }
    layout: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for section in SECTIONS:
        if section.needs_page:
            keys = section.context(view, forms, dict(context))
        else:
            keys = section.context(view, forms)
        clash = context.keys() & keys.keys()
        if clash:
            raise ValueError(f"section {section.name} gives keys already given: {sorted(clash)}")
        context.update(keys)
        layout[section.column].append(section.template)
    context["sections"] = layout
    return context
