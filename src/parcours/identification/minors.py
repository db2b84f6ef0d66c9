"""The minors' route (issue 13, item 5).

A person is treated as a minor when the youngest age their (possibly partial) date of birth
allows is under 18, or when they say they are a minor and no decision has said otherwise: a
claim is recorded, and the decision (minor or adult, when, by which organisation, on which
basis) closes it. For a minor, Parcours routes to child protection: the département's child
welfare (ASE) and the prosecutor for minors, each a kind of service of the directory; sharing
rests on child-protection law (CASF L226-2-2), never on the minor's consent
(``cases.participants.check_basis``). The referent is reminded six months before the 18th
birthday to prepare the transition (young-adult support, residence at 18): a worker step, once
per case.
"""

import calendar
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core import dates
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup
from parcours.identification.models import MinorityClaim

# The services a minor's case is routed to, in this order (``referrals.enums.ServiceKind``).
CHILD_PROTECTION_ROUTE = ("child_protection", "prosecutor_minors")


def claim_of(case) -> MinorityClaim | None:
    return MinorityClaim.objects.filter(case=case).first()


def claims_minor(case) -> bool:
    """A claim to be a minor that no decision has answered "adult"."""
    return MinorityClaim.objects.filter(case=case).exclude(decision="adult").exists()


def treated_as_minor(case, claim: MinorityClaim | None, today=None) -> bool:
    """``cases.participants.is_minor`` with the claim already read."""
    age = case.person.age_on(today or timezone.localdate())
    if age is not None and age < 18:
        return True
    return claim is not None and claim.decision != MinorityClaim.Decision.ADULT


def decided_adult(case) -> bool:
    return MinorityClaim.objects.filter(case=case, decision="adult").exists()


def record_claim(actor, case, claimed_on: datetime.date) -> MinorityClaim:
    """The person says they are a minor: treated as one until decided."""
    if not rules.can_edit_case(actor, case):
        raise NotAllowed(_("Only the referent organisation records this."))
    if not isinstance(claimed_on, datetime.date):
        raise DomainError(_("Give the date on which the person said so."))
    dates.ensure(claimed_on, dates.PAST_EVENT)
    with transaction.atomic():
        claim, created = MinorityClaim.objects.get_or_create(
            case=case, defaults={"claimed_on": claimed_on, "recorded_by": actor.user}
        )
        if not created:
            raise DomainError(_("The claim is already recorded."))
        record(actor, Action.MINORITY_RECORD, case, groups=[FieldGroup.IDENTITY], reason="claim")
    return claim


def record_decision(
    actor, case, decision: str, decided_on: datetime.date, *, by=None, basis: str = ""
) -> MinorityClaim:
    """The claim is decided (``minor`` or ``adult``) on ``decided_on`` by ``by`` (the
    département's child welfare or a judge: the organisation that decided; by default the
    actor's), on ``basis`` (a short text: the evaluation, the judge's order)."""
    if not rules.can_edit_case(actor, case):
        raise NotAllowed(_("Only the referent organisation records this."))
    if decision not in MinorityClaim.Decision.values:
        raise DomainError(_("Choose minor or adult."))
    if not isinstance(decided_on, datetime.date):
        raise DomainError(_("Give the date of the decision."))
    dates.ensure(decided_on, dates.PAST_EVENT)
    if not basis.strip():
        raise DomainError(_("Say on what the decision rests (the evaluation, the judge's order)."))
    if len(basis) > 2000:
        raise DomainError(_("The basis is too long (2,000 characters at most)."))
    with transaction.atomic():
        claim = MinorityClaim.objects.select_for_update().filter(case=case).first()
        if claim is None:
            raise DomainError(_("No claim to be a minor is recorded for this case."))
        if claim.decision:
            raise DomainError(_("The claim is already decided."))
        if decided_on < claim.claimed_on:
            raise DomainError(_("The decision cannot come before the claim."))
        claim.decision = decision
        claim.decided_on = decided_on
        claim.decided_by = by or actor.organisation
        claim.basis = basis.strip()
        claim.save()
        record(actor, Action.MINORITY_RECORD, case, groups=[FieldGroup.IDENTITY], reason=decision)
    return claim


def eighteenth_birthday(person) -> datetime.date | None:
    """The latest day the person can turn 18 given a partial date of birth (the youngest
    reading, the same as ``Person.age_on``)."""
    data = person.birth_date or {}
    year = data.get("year")
    if not year:
        return None
    month = data.get("month") or 12
    day = data.get("day") or (31 if not data.get("month") else 28)
    try:
        return datetime.date(year + 18, month, day)
    except ValueError:  # 29 February
        return datetime.date(year + 18, month, 28)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def transition_notice_on(person) -> datetime.date | None:
    """When the referent is reminded: ``TURNING_18_NOTICE_MONTHS`` before the 18th birthday."""
    birthday = eighteenth_birthday(person)
    if birthday is None:
        return None
    return _months_before(birthday, settings.TURNING_18_NOTICE_MONTHS)


def remind_turning_18(now: datetime.datetime) -> int:
    """Remind the referent of each open case whose person turns 18 within the notice (once per
    case). Dates of birth are encrypted, so the open cases' persons are read in batches; the
    dedup key makes a second round send nothing."""
    from parcours.alerts.notify import notify
    from parcours.cases.models import Case

    today = timezone.localdate(now)
    sent = 0
    cases = Case.objects.exclude(status="closed").select_related("person", "referent_org")
    for case in cases.iterator(chunk_size=500):
        notice = transition_notice_on(case.person)
        birthday = eighteenth_birthday(case.person)
        if notice is None or not (notice <= today < birthday):
            continue
        made = notify(
            "turning_18",
            case.referent_org,
            ref=case.ref,
            link=f"/dossiers/{case.ref}/?ouvrir=identification#identification",
            dedup_key=f"turning_18:{case.pk}",
        )
        sent += made is not None
    return sent
