"""Intake that records what matters at once (S2 step 1, S4).

- One person: the case is opened with the immediate dangers and the danger zones known at
  intake, in one transaction (``open_case_safely``).
- Several people found together (a labour inspection finds twelve men on a farm): one intake,
  one case per person, each with its own referent case, its own consent to be placed, and the
  dangers and zones that apply to all of them copied onto each; the cases share the operation's
  tag, and so do their placement requests, which is how the coordinator's batch allocation picks
  them up (``shelter.batch.pending_requests(actor, operation)``). All or nothing: one person
  refused (a missing name) opens no case, and the same intake posted twice opens nothing more.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from parcours.cases import participants, services
from parcours.core.errors import DomainError
from parcours.shelter import placement, zones
from parcours.shelter.enums import ZoneKind, ZoneReason

MAX_GROUP = 40


@dataclass(frozen=True)
class ZoneAtIntake:
    """A zone to keep the person away from: a département, or a commune and a radius."""

    departement: str
    town: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_km: int | None = None
    reason: str = ZoneReason.EXPLOITATION


@dataclass(frozen=True)
class SafetyAtIntake:
    dangers: list[str] = field(default_factory=list)
    level: str = ""  # empty: not assessed at intake
    note: str = ""
    zones: list[ZoneAtIntake] = field(default_factory=list)

    def __bool__(self):
        return bool(self.dangers or self.level or self.zones)


@dataclass(frozen=True)
class PersonAtIntake:
    """One person of a group intake: what is known of them, and their own consent."""

    data: dict
    consents_to_shelter: bool = False


def record_safety(actor, case, safety: SafetyAtIntake) -> None:
    """The dangers and zones known at intake, on a case just opened."""
    if safety.dangers or safety.level:
        if not safety.level:
            raise DomainError(_("Say how serious the danger is."))
        zones.assess(actor, case, dangers=safety.dangers, level=safety.level, note=safety.note)
    for zone in safety.zones:
        zones.add_zone(
            actor,
            case,
            kind=ZoneKind.TOWN if zone.town else ZoneKind.DEPARTEMENT,
            reason=zone.reason,
            departement=zone.departement,
            town=zone.town,
            lat=zone.lat,
            lon=zone.lon,
            radius_km=zone.radius_km,
        )


def _is_new(case) -> bool:
    """A case the same intake did not open before (a retry records its safety only once)."""
    return zones.current_risk(case) is None and not case.danger_zones.exists()


def open_case_safely(
    actor,
    person_data: dict,
    *,
    intake_token: uuid.UUID | None,
    first_contact: str = "",
    safety: SafetyAtIntake | None = None,
    operation: str = "",
):
    """Open a case with what is known of its dangers, in one transaction."""
    with transaction.atomic():
        case = services.open_case(
            actor,
            person_data,
            intake_token=intake_token,
            first_contact=first_contact,
            operation=operation,
        )
        if safety and _is_new(case):
            record_safety(actor, case, safety)
    return case


def open_group(
    actor,
    people: list[PersonAtIntake],
    *,
    intake_token: uuid.UUID,
    operation: str,
    first_contact: str = "",
    safety: SafetyAtIntake | None = None,
    ask_shelter: bool = False,
    consent_date: datetime.date | None = None,
    priority: int = 2,
) -> list:
    """One case per person, tagged ``operation``; with ``ask_shelter``, a placement request for
    each person who agreed to be placed (on ``consent_date``), tagged the same."""
    operation = (operation or "").strip()
    if not operation:
        raise DomainError(_("Name the operation: the cases opened together share it."))
    if not people:
        raise DomainError(_("Give at least one person."))
    if len(people) > MAX_GROUP:
        raise DomainError(_("At most %(n)d people in one intake.") % {"n": MAX_GROUP})
    if ask_shelter and consent_date is None:
        raise DomainError(_("Give the date on which the people agreed to be placed."))
    cases = []
    with transaction.atomic():
        for number, person in enumerate(people, start=1):
            row_token = uuid.uuid5(intake_token, str(number))
            try:
                case = open_case_safely(
                    actor,
                    person.data,
                    intake_token=row_token,
                    first_contact=first_contact,
                    safety=safety,
                    operation=operation,
                )
            except DomainError as error:
                raise DomainError(
                    _("Person %(n)d: %(error)s") % {"n": number, "error": error.message}
                ) from error
            if ask_shelter and person.consents_to_shelter and not case.placement_requests.exists():
                _ask_shelter(actor, case, person.data, consent_date, priority, operation)
            cases.append(case)
    return cases


def _ask_shelter(actor, case, data, consent_date, priority, operation) -> None:
    sex = data.get("sex") if data.get("sex") in ("F", "M") else "X"
    placement.create_request(
        actor,
        case,
        sex=sex,
        minor=participants.is_minor(case, consent_date),
        consent_date=consent_date,
        languages=data.get("languages") or [],
        priority=priority,
        operation=operation,
    )
