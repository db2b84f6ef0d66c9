"""The top of the case page: the person's situation in one line, the dangers, where things
stand (shelter, referrals waiting and their delays, tasks due, the next appointment) and the
next actions as buttons, most urgent first.

It reads only what the other sections already took from the redaction object (it runs after
them, ``NEEDS_PAGE``): a reader sees here nothing the rest of the page does not show it.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.referrals.enums import AWAITING_ANSWER

NEEDS_PAGE = True
MAX_ACTIONS = 5


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    primary: bool = False


@dataclass(frozen=True)
class Standing:
    """One "where things stand" line: what it is about, what to say, whether it is urgent."""

    code: str
    label: str
    text: str
    alert: bool = False


@dataclass
class Overview:
    age: int | None
    dangers: list[str] = field(default_factory=list)
    danger_level: str = ""
    serious: bool = False
    standing: list[Standing] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def _open(case_ref: str, section: str) -> str:
    """A link to a section of the case page, rendered unfolded (no script needed)."""
    return f"{reverse('case_detail', kwargs={'ref': case_ref})}?ouvrir={section}#{section}"


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def _days(since: datetime.datetime | None, now: datetime.datetime) -> int:
    return max((now - since).days, 0) if since else 0


def _shelter(shelter) -> Standing | None:
    if not shelter.visible:
        return None
    if shelter.time_to_safety is not None:
        text = _("In safety (%(duration)s after the first contact).") % {
            "duration": shelter.time_to_safety_label
        }
        return Standing("shelter", _("Shelter"), text)
    if shelter.requests:
        latest = max(shelter.requests, key=lambda request: request.created_at)
        text = _("Request of %(date)s: %(status)s.") % {
            "date": _date(latest.created_at),
            "status": latest.status_label,
        }
        return Standing("shelter", _("Shelter"), text, alert=shelter.in_danger)
    return Standing("shelter", _("Shelter"), _("No safe place asked for."), alert=shelter.in_danger)


def _referrals(page, now) -> Standing | None:
    lines = [r for group in page.get("referral_lines", []) for r in group["referrals"]]
    lines += page.get("addressed_referrals", [])
    waiting = [r for r in lines if r.status in AWAITING_ANSWER]
    if not lines:
        return None
    if not waiting:
        return Standing("referrals", _("Referrals"), _("None waiting for an answer."))
    overdue = [r for r in waiting if r.is_overdue]
    oldest = max(_days(r.sent_at, now) for r in waiting)
    text = ngettext(
        "%(count)s waiting for an answer", "%(count)s waiting for an answer", len(waiting)
    ) % {"count": len(waiting)}
    if overdue:
        text += ", " + ngettext("%(count)s overdue", "%(count)s overdue", len(overdue)) % {
            "count": len(overdue)
        }
    text += " — " + ngettext(
        "the oldest sent %(days)s day ago", "the oldest sent %(days)s days ago", oldest
    ) % {"days": oldest}
    return Standing("referrals", _("Referrals"), text + ".", alert=bool(overdue))


def _tasks(page) -> Standing | None:
    open_tasks = [t for t in page.get("tasks", []) if t.status == "open"]
    if not open_tasks:
        return None
    overdue = [t for t in open_tasks if t.is_overdue]
    dated = sorted(t.due_on for t in open_tasks if t.due_on)
    text = ngettext("%(count)s to do", "%(count)s to do", len(open_tasks)) % {
        "count": len(open_tasks)
    }
    if overdue:
        text += ", " + ngettext("%(count)s overdue", "%(count)s overdue", len(overdue)) % {
            "count": len(overdue)
        }
    if dated:
        text += " — " + _("the next by %(date)s") % {"date": _date(dated[0])}
    return Standing("tasks", _("Tasks"), text + ".", alert=bool(overdue))


def _appointment(page, now) -> Standing | None:
    coming = sorted((a for a in page.get("appointments", []) if a.at >= now), key=lambda a: a.at)
    if not coming:
        return None
    first = coming[0]
    when = date_format(timezone.localtime(first.at), "SHORT_DATETIME_FORMAT")
    text = f"{when} — {first.purpose}" if first.purpose else when
    return Standing("appointments", _("Next appointment"), text)


def _reflection(page) -> Standing | None:
    """The reflection period's end, urgent within the alert delay (``identification``)."""
    identification = page.get("identification") or {}
    period, left = identification.get("period"), identification.get("days_left")
    if period is None or left is None or left < 0:
        return None
    text = _("ends on %(day)s") % {"day": _date(period.ends_on)}
    if not period.informed:
        text += " — " + _("information to the person not recorded")
    alert = left <= settings.REFLECTION_ALERT_DAYS or not period.informed
    return Standing("identification", _("Reflection period"), text, alert=alert)


def _actions(view, page, standing: dict[str, Standing]) -> list[Action]:
    ref = view.case.ref
    shelter = page.get("shelter")
    actions: list[Action] = []
    if shelter is not None and shelter.visible and shelter.can_manage:
        if shelter.in_danger and shelter.time_to_safety is None:
            url = reverse("case_placement_new", kwargs={"ref": ref})
            actions.append(Action(_("Find a safe place now"), url, primary=True))
        if shelter.risk is None:
            url = reverse("case_risk", kwargs={"ref": ref})
            actions.append(Action(_("Assess the dangers"), url, primary=not actions))
    identification = page.get("identification") or {}
    if (identification.get("minor_route") or {}).get("minor") and view.editable:
        actions.append(Action(_("Refer to child protection"), _open(ref, "identification")))
    if identification.get("information_form") is not None and not identification["period"].informed:
        actions.append(
            Action(
                _("Record the information on the reflection period"), _open(ref, "identification")
            )
        )
    findings = (page.get("rights") or {}).get("findings") or []
    if (page.get("rights") or {}).get("cycles"):
        actions.append(Action(_("Unblock the pathway"), _open(ref, "rights")))
    if any(finding.kind == "contrary" for finding in findings):
        actions.append(
            Action(_("See the refusal possibly contrary to the law"), _open(ref, "rights"))
        )
    elif findings:
        actions.append(Action(_("Answer a question about a refusal"), _open(ref, "rights")))
    if "referrals" in standing and standing["referrals"].alert:
        actions.append(Action(_("Follow up the overdue referrals"), _open(ref, "referrals")))
    if "tasks" in standing and standing["tasks"].alert:
        actions.append(Action(_("See the overdue tasks"), _open(ref, "tasks")))
    if page.get("contact_form") is not None:
        actions.append(Action(_("Log a contact"), _open(ref, "contacts")))
    if view.editable:
        url = reverse("case_referral_new", kwargs={"ref": ref})
        actions.append(Action(_("Refer to a service"), url))
    if page.get("appointment_form") is not None:
        actions.append(Action(_("Plan an appointment"), _open(ref, "appointments")))
    if page.get("task_form") is not None:
        actions.append(Action(_("Add a task"), _open(ref, "tasks")))
    if page.get("can_convene_conference"):
        url = reverse("conference_new", kwargs={"ref": ref})
        actions.append(Action(_("Convene a case conference"), url))
    if actions and not any(action.primary for action in actions):
        first = actions[0]
        actions[0] = Action(first.label, first.url, primary=True)
    return actions[:MAX_ACTIONS]


def context(view, forms, page) -> dict:
    now = timezone.now()
    overview = Overview(age=None)
    if view.person_name is not None:
        overview.age = view.case.person.age_on(timezone.localdate())
    shelter = page.get("shelter")
    if shelter is not None and shelter.visible and shelter.risk is not None:
        overview.dangers = list(shelter.risk.danger_labels)
        overview.danger_level = shelter.risk.level_label
        overview.serious = shelter.risk.serious
    found = [
        _shelter(shelter) if shelter is not None else None,
        _referrals(page, now),
        _tasks(page),
        _appointment(page, now),
        _reflection(page),
    ]
    overview.standing = [line for line in found if line is not None]
    overview.actions = _actions(view, page, {line.code: line for line in overview.standing})
    return {"overview": overview, "folds": _folds(page, forms, overview)}


# A form posted with errors re-renders the page with its part unfolded.
FORM_FOLDS = {
    "task_form": "tasks",
    "appointment_form": "appointments",
    "contact_form": "contacts",
    "note_form": "timeline",
    "fact_form": "rights",
    "stage_form": "identification",
    "information_form": "identification",
    "forms_form": "identification",
    "minority_claim_form": "identification",
    "minority_decision_form": "identification",
}
ALWAYS_OPEN = {"pathway", "timeline"}


def _folds(page, forms, overview) -> dict:
    """Which parts of the page are unfolded, and the count each shows on its title."""
    referrals = sum(len(group["referrals"]) for group in page.get("referral_lines", []))
    counts = {
        "timeline": len(page.get("events", [])),
        "participants": len(page.get("participants", [])),
        "tasks": len([t for t in page.get("tasks", []) if t.status == "open"]),
        "appointments": len(page.get("appointments", [])),
        "referrals": referrals or len(page.get("addressed_referrals", [])),
        "consents": len(page.get("consents", [])),
        "conferences": len(page.get("conferences", [])),
        "contacts": len(page.get("contacts", [])),
        "rights": (page.get("rights") or {}).get("to_act", 0),
        "identification": len((page.get("identification") or {}).get("stages", [])),
    }
    unfolded = set(ALWAYS_OPEN)
    unfolded |= {line.code for line in overview.standing if line.alert}
    unfolded |= {FORM_FOLDS[key] for key, form in forms.items() if key in FORM_FOLDS and form}
    if page.get("unfold"):
        unfolded.add(page["unfold"])
    if page.get("pending_handover"):
        unfolded.add("participants")
    if (page.get("rights") or {}).get("findings") or (page.get("rights") or {}).get("cycles"):
        unfolded.add("rights")
    identification = page.get("identification") or {}
    ending = identification.get("days_left")
    if ending is not None and 0 <= ending <= settings.REFLECTION_ALERT_DAYS:
        unfolded.add("identification")
    if (identification.get("minor_route") or {}).get("minor"):
        unfolded.add("identification")
    return {"open": unfolded, "counts": counts}
