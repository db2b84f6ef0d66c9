"""Recording the facts of a case, and evaluating its rights from them.

Facts are answered by the referent's caseworkers and managers (they hold the pathway); every
answer is kept (who said so, when), the newest is the fact, and each is journaled with the group
it belongs to. ``evaluate_case`` reads the facts, the age from the date of birth and what became
of the case's referrals to the service kind of each right.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError, NotAllowed
from parcours.rights.catalogue import Catalogue, catalogue
from parcours.rights.evaluation import GRANTED, REFUSED, REQUESTED, Status, evaluate
from parcours.rights.facts import (
    BOOL,
    CHOICE,
    DATE,
    FACTS,
    Facts,
    derived_facts,
    derived_facts_in_bulk,
)
from parcours.rights.models import Fact


def can_record_facts(actor, case) -> bool:
    return rules.can_edit_case(actor, case)


def _checked(name: str, value):
    fact = FACTS.get(name)
    if fact is None or fact.derived:
        raise DomainError(_("Unknown question."))
    if value is None:
        return None  # "I do not know": the fact becomes unknown again
    if fact.kind == BOOL and not isinstance(value, bool):
        raise DomainError(_("Answer yes or no."))
    if fact.kind == DATE:
        if not isinstance(value, datetime.date):
            raise DomainError(_("Give a date."))
        return value.isoformat()
    if fact.kind == CHOICE and value not in dict(fact.choices):
        raise DomainError(_("Choose one of the answers."))
    return value


def record_fact(actor, case, name: str, value) -> Fact:
    """Answer one question about the case (``None``: not known any more)."""
    if not can_record_facts(actor, case):
        raise NotAllowed(_("Only the referent organisation records the facts of the case."))
    stored = _checked(name, value)
    with transaction.atomic():
        fact = Fact.objects.create(
            case=case,
            name=name,
            value=stored,
            recorded_at=timezone.now(),
            recorded_by=actor.user,
            organisation=actor.organisation,
        )
        record(actor, Action.FACT_RECORD, case, groups=[FACTS[name].group], reason=name)
    return fact


def recorded_facts(case) -> dict:
    """The newest answer to each question of the case (typed back: dates are dates)."""
    return recorded_facts_in_bulk([case.pk]).get(case.pk, {})


def recorded_facts_in_bulk(case_ids, names=None) -> dict[int, dict]:
    """``recorded_facts`` of many cases (``case_ids``: a queryset of ids), only the facts
    ``names`` when given, in one query: case id -> its facts."""
    newest: dict[int, dict] = {}
    rows = Fact.objects.filter(case_id__in=case_ids)
    if names is not None:
        rows = rows.filter(name__in=names)
    rows = rows.order_by("case_id", "name", "-recorded_at", "-pk")
    for case_id, name, value in rows.values_list("case_id", "name", "value"):
        values = newest.setdefault(case_id, {})
        if name in values or name not in FACTS:
            continue
        if value is not None and FACTS[name].kind == DATE:
            value = datetime.date.fromisoformat(value)
        values[name] = value
    return {
        case_id: {name: value for name, value in values.items() if value is not None}
        for case_id, values in newest.items()
    }


def facts_for(case, today: datetime.date | None = None) -> Facts:
    today = today or timezone.localdate()
    return Facts({**recorded_facts(case), **derived_facts(case, today)}, today=today)


REFERRAL_STATES = {
    "sent": REQUESTED,
    "acknowledged": REQUESTED,
    "accepted": GRANTED,
    "refused": REFUSED,
    "expired": REFUSED,
}


def answered_referrals(case) -> list:
    """The case's referrals that were sent (drafts and withdrawals aside), oldest first."""
    from parcours.referrals.models import Referral

    referrals = Referral.objects.filter(case=case).exclude(status__in=("draft", "withdrawn"))
    return list(referrals.select_related("service").order_by("created_at", "pk"))


def statuses_for(case, rights: Catalogue, referrals=None, facts: Facts | None = None) -> dict:
    """Right id -> what became of the newest referral of the case asking for it.

    A referral that names its right (``Referral.right``) answers for that right only. One that
    does not answers for every right of its service kind that the person is not known to be
    ineligible for (a request to the health insurance is for PUMa or AME, whichever the stay
    allows; a prefecture grants five rights), or, when none is left, for all of them.
    """
    from parcours.rights.evaluation import holds

    facts = facts if facts is not None else Facts({})
    statuses = {}
    for referral in answered_referrals(case) if referrals is None else referrals:  # oldest first
        if referral.status not in REFERRAL_STATES:
            continue
        if referral.right:
            targets = [rights.rights[referral.right]] if referral.right in rights.rights else []
        else:
            of_kind = [r for r in rights if r.service_kind == referral.service.kind]
            targets = [r for r in of_kind if holds(r.conditions, facts) is not False] or of_kind
        for right in targets:
            statuses[right.id] = _status(referral)
    return statuses


def _status(referral) -> Status:
    return Status(
        state=REFERRAL_STATES[referral.status],
        since=referral.answered_at or referral.sent_at,
        refusal_code=referral.refusal_code or "",
        referral_ref=referral.ref,
    )


def check_right_for(right_id: str, service) -> str:
    """The right a referral to ``service`` asks for: empty, or one its kind of service grants."""
    if not right_id:
        return ""
    right = catalogue().rights.get(right_id)
    if right is None:
        raise DomainError(_("Unknown right."))
    if right.service_kind != service.kind:
        raise DomainError(
            _("%(service)s does not grant this right: %(right)s.")
            % {"service": service.get_kind_display(), "right": right.name}
        )
    return right_id


def evaluate_case(case, rights: Catalogue | None = None, today=None, referrals=None) -> dict:
    rights = rights or catalogue()
    facts = facts_for(case, today)
    return evaluate(rights, facts, statuses_for(case, rights, referrals, facts))


def review_case(case, rights: Catalogue | None = None, today=None):
    """The verdicts of the case's rights and the findings on its refusals (``rights.review``),
    from one read of its referrals."""
    from parcours.rights.review import review

    referrals = answered_referrals(case)
    verdicts = evaluate_case(case, rights, today, referrals)
    return verdicts, review(referrals, verdicts)


def record_stated_requirement(actor, referral, code: str):
    """The service of ``referral`` says, in this case, that it asks for ``code`` first."""
    from parcours.referrals.enums import Requirement
    from parcours.rights.models import StatedRequirement

    if not can_record_facts(actor, referral.case):
        raise NotAllowed(_("Only the referent organisation records what a service asks for."))
    if code not in Requirement.values:
        raise DomainError(_("Choose what the service asks for."))
    if code in (referral.service.required or []):
        raise DomainError(_("The directory already says this service asks for it."))
    with transaction.atomic():
        stated, _created = StatedRequirement.objects.get_or_create(
            referral=referral,
            code=code,
            defaults={"recorded_at": timezone.now(), "recorded_by": actor.user},
        )
        record(actor, Action.FACT_RECORD, referral.case, related=referral, reason=f"asks:{code}")
    return stated


def remove_stated_requirement(actor, referral, code: str) -> None:
    """The service no longer asks for ``code`` (or it was recorded by mistake)."""
    from parcours.rights.models import StatedRequirement

    if not can_record_facts(actor, referral.case):
        raise NotAllowed(_("Only the referent organisation records what a service asks for."))
    with transaction.atomic():
        deleted, _kinds = StatedRequirement.objects.filter(referral=referral, code=code).delete()
        if not deleted:
            raise DomainError(_("The service was not recorded as asking for this."))
        record(actor, Action.FACT_RECORD, referral.case, related=referral, reason=f"drops:{code}")


def requirements_of(referral) -> list[dict]:
    """What the service of ``referral`` asks for first: the directory's, then this case's."""
    from parcours.referrals.enums import Requirement
    from parcours.rights.models import StatedRequirement

    labels = dict(Requirement.choices)
    rows = [
        {"code": code, "label": labels.get(code, code), "stated": None}
        for code in referral.service.required or []
    ]
    for stated in StatedRequirement.objects.filter(referral=referral).order_by("recorded_at"):
        rows.append({"code": stated.code, "label": labels.get(stated.code), "stated": stated})
    return rows


@dataclass
class CaseRights:
    """Everything the case page shows of the rights, from one read of the referrals."""

    verdicts: dict
    findings: list
    cycles: list
    chains: list
    referrals: list


def rights_of(case, today=None, now=None) -> CaseRights:
    """The verdicts, the findings on refusals, the blocked pathways (cycles, and chains waiting
    on a stuck request), and the referrals read."""
    referrals = answered_referrals(case)
    return _rights(referrals, facts_for(case, today), needs_of(case, referrals), now)


FINDINGS, BLOCKED = "findings", "blocked"


def rights_in_bulk(
    case_ids, today=None, now=None, parts=(FINDINGS, BLOCKED)
) -> dict[int, CaseRights]:
    """``rights_of`` many cases (``case_ids``: a queryset of ids) in five queries whatever
    their number, for the periodic work (the alerts): case id -> its rights. ``parts`` says
    what is wanted: the verdicts and the findings on refusals, the blocked pathways, or both
    (what is not wanted is left empty, and not computed)."""
    from parcours.referrals.models import Referral
    from parcours.rights.models import StatedRequirement

    today = today or timezone.localdate()
    by_case: dict[int, list] = {}
    sent = Referral.objects.filter(case_id__in=case_ids).exclude(status__in=("draft", "withdrawn"))
    for referral in sent.select_related("service").order_by("created_at", "pk"):
        by_case.setdefault(referral.case_id, []).append(referral)
    recorded = recorded_facts_in_bulk(case_ids)
    derived = derived_facts_in_bulk(case_ids, today)
    stated = {}
    if BLOCKED in parts:
        stated = _stated(StatedRequirement.objects.filter(referral__case_id__in=case_ids))
    found = {}
    for case_id, of_case in derived.items():
        referrals = by_case.get(case_id, [])
        facts = Facts({**recorded.get(case_id, {}), **of_case}, today=today)
        needs = _needs(_asked(referrals), stated) if BLOCKED in parts else {}
        found[case_id] = _rights(referrals, facts, needs, now, parts)
    return found


def _rights(referrals, facts: Facts, needs, now, parts=(FINDINGS, BLOCKED)) -> CaseRights:
    from parcours.rights.blocking import blocked, waiting
    from parcours.rights.review import review

    rights = catalogue()
    verdicts, findings, cycles, chains = {}, [], [], []
    if FINDINGS in parts:
        verdicts = evaluate(rights, facts, statuses_for(None, rights, referrals, facts))
        findings = review(referrals, verdicts)
    if BLOCKED in parts:
        cycles = blocked(needs, rights, facts)
        chains = waiting(needs, stuck_of(referrals, now), rights, facts)
    return CaseRights(verdicts, findings, cycles, chains, referrals)


def _newest_by_kind(referrals) -> dict:
    newest = {}
    for referral in referrals:  # oldest first
        newest[referral.service.kind] = referral
    return newest


def needs_of(case, referrals=None) -> dict[str, set[str]]:
    """Service kind asked and not granted -> what its service states it asks for (in the
    directory, and in this case)."""
    from parcours.rights.models import StatedRequirement

    asked = _asked(answered_referrals(case) if referrals is None else referrals)
    rows = StatedRequirement.objects.filter(referral__in=[r.pk for r in asked.values()])
    return _needs(asked, _stated(rows))


def _asked(referrals) -> dict:
    from parcours.rights.blocking import PENDING

    return {kind: r for kind, r in _newest_by_kind(referrals).items() if r.status in PENDING}


def _stated(rows) -> dict[int, set[str]]:
    stated: dict[int, set[str]] = {}
    for referral_id, code in rows.values_list("referral_id", "code"):
        stated.setdefault(referral_id, set()).add(code)
    return stated


def _needs(asked: dict, stated: dict[int, set[str]]) -> dict[str, set[str]]:
    return {
        kind: set(referral.service.required or []) | stated.get(referral.pk, set())
        for kind, referral in asked.items()
    }


def stuck_of(referrals, now=None) -> dict[str, str]:
    """Service kind -> why its newest request is stuck: refused, expired, or unanswered past
    the delay of its kind (``referrals.deadlines``)."""
    from parcours.referrals.deadlines import overdue
    from parcours.rights.blocking import STUCK_EXPIRED, STUCK_OVERDUE, STUCK_REFUSED

    now = now or timezone.now()
    stuck = {}
    for kind, referral in _newest_by_kind(referrals).items():
        if referral.status == "refused":
            stuck[kind] = STUCK_REFUSED
        elif referral.status == "expired":
            stuck[kind] = STUCK_EXPIRED
        elif overdue(referral, now):
            stuck[kind] = STUCK_OVERDUE
    return stuck


def blocked_for(case, rights: Catalogue | None = None, today=None):
    from parcours.rights.blocking import blocked

    rights = rights or catalogue()
    return blocked(needs_of(case), rights, facts_for(case, today))


def waiting_for(case, rights: Catalogue | None = None, today=None, now=None):
    from parcours.rights.blocking import waiting

    rights = rights or catalogue()
    referrals = answered_referrals(case)
    return waiting(
        needs_of(case, referrals), stuck_of(referrals, now), rights, facts_for(case, today)
    )
