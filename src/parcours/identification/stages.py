"""The stages of identification of a case: reported -> presumed victim -> identified by the police
or gendarmerie -> complaint or testimony -> conviction (issue 13, item 3).

Each stage is reached on a date and said by an organisation (for "identified", a police or
gendarmerie unit: the one recording it, or the unit the referent names). A stage is written
once per case; recording it again corrects it. Each write is a timeline event (codes only) in
the justice group and a journal entry. The stages feed the rights engine (``identified_on``,
``complaint_or_testimony``, ``final_conviction`` are read from here, ``stage_facts``) and the
reflection period (``identification.reflection``).

Who records: the referent's caseworkers and managers, for every stage; the investigators of a
police or gendarmerie unit taking part in the case, for identification, complaint and
conviction (they see the justice group). Who reads: every reader of the case who sees the
justice group (``access.rules.groups_for``).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.enums import EventKind
from parcours.cases.timeline import add_event
from parcours.core import dates
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup
from parcours.core.roles import OrganisationKind, Role
from parcours.identification.models import Stage

ORDER = [code for code, _label in Stage.Code.choices]
NOTE_MAX = 2000
LAW_ENFORCEMENT = {OrganisationKind.POLICE, OrganisationKind.GENDARMERIE}
# What a police or gendarmerie unit taking part may record (it hears the person).
BY_INVESTIGATORS = {Stage.Code.IDENTIFIED, Stage.Code.COMPLAINT, Stage.Code.CONVICTION}


def can_read_stages(actor, case) -> bool:
    """Readers of the case who see the justice group."""
    return FieldGroup.JUSTICE in rules.groups_for(actor, case)


def _is_investigator(actor, case) -> bool:
    return (
        actor is not None
        and actor.role == Role.INVESTIGATOR
        and actor.organisation.kind in LAW_ENFORCEMENT
        and can_read_stages(actor, case)
    )


def can_record_stage(actor, case, code: str | None = None) -> bool:
    """The referent's caseworkers and managers, any stage; a police or gendarmerie
    investigator taking part, identification, complaint and conviction."""
    if rules.can_edit_case(actor, case):
        return True
    return _is_investigator(actor, case) and (code is None or code in BY_INVESTIGATORS)


def stages_of(case) -> dict[str, Stage]:
    """Stage code -> the stage reached, in the order of the pathway."""
    found = {s.code: s for s in Stage.objects.filter(case=case).select_related("organisation")}
    return {code: found[code] for code in ORDER if code in found}


def record_stage(actor, case, code: str, on: datetime.date, *, by=None, note: str = "") -> Stage:
    """The case reached stage ``code`` on ``on``; ``by``: the police or gendarmerie unit that
    identified the person, when the referent records it (a unit recording it is ``by``)."""
    if code not in ORDER:
        raise DomainError(_("Choose a stage of identification."))
    if not can_record_stage(actor, case, code):
        raise NotAllowed(_("Your organisation cannot record this stage for this case."))
    if not isinstance(on, datetime.date):
        raise DomainError(_("Give the date of this stage."))
    dates.ensure(on, dates.PAST_EVENT)
    if len(note) > NOTE_MAX:
        raise DomainError(_("The note is too long (2,000 characters at most)."))
    said_by = actor.organisation
    if code == Stage.Code.IDENTIFIED:
        if actor.organisation.kind not in LAW_ENFORCEMENT:
            if by is None or by.kind not in LAW_ENFORCEMENT:
                raise DomainError(
                    _("Only the police or gendarmerie identify: name the unit that did.")
                )
            said_by = by
    earlier = [c for c in ORDER[: ORDER.index(code)] if c != Stage.Code.REPORTED]
    reached = stages_of(case)
    for previous in earlier:
        if previous in reached and reached[previous].on > on:
            raise DomainError(
                _("This stage cannot come before “%(stage)s” (%(day)s).")
                % {
                    "stage": Stage.Code(previous).label,
                    "day": reached[previous].on.strftime("%d/%m/%Y"),
                }
            )
    with transaction.atomic():
        stage, created = Stage.objects.update_or_create(
            case=case,
            code=code,
            defaults={
                "on": on,
                "organisation": said_by,
                "recorded_by": actor.user,
                "recorded_at": timezone.now(),
                "note": note.strip(),
            },
        )
        add_event(
            case,
            actor,
            EventKind.IDENTIFICATION,
            group=FieldGroup.JUSTICE,
            data={
                "stage": code,
                "on": on.isoformat(),
                "organisation_id": said_by.pk,
                "corrected": not created,
            },
        )
        record(actor, Action.STAGE_RECORD, case, groups=[FieldGroup.JUSTICE], reason=code)
    return stage


def stage_facts(case) -> dict:
    """The facts of the rights engine the stages give: the date of identification, whether a
    complaint was filed or testimony given, whether there was a conviction (only when
    reached: a stage not reached leaves the fact to be asked)."""
    return facts_of_stages({code: stage.on for code, stage in stages_of(case).items()})


def facts_of_stages(reached: dict[str, datetime.date]) -> dict:
    """``stage_facts`` from the stages reached (code -> the day), read in bulk or not."""
    facts = {}
    if Stage.Code.IDENTIFIED in reached:
        facts["identified_on"] = reached[Stage.Code.IDENTIFIED]
    if Stage.Code.COMPLAINT in reached:
        facts["complaint_or_testimony"] = True
    if Stage.Code.CONVICTION in reached:
        facts["final_conviction"] = True
    return facts


def describe(data, org_label) -> str:
    """The timeline's sentence for a stage (codes only in the event)."""
    label = dict(Stage.Code.choices).get(data.get("stage"), "")
    on = data.get("on", "")
    day = datetime.date.fromisoformat(on).strftime("%d/%m/%Y") if on else ""
    return f"{label} — {day} ({org_label(data.get('organisation_id'))})"
