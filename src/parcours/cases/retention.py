"""The retention policy (CNIL referential 2023-095: active → archive → delete/anonymise).

- Active: a case that is open, or closed less than ``RETENTION_ARCHIVE_DAYS`` ago.
- Rule 1, archive: a case closed ``RETENTION_ARCHIVE_DAYS`` ago or more gets ``archived_at``.
- Rule 2, anonymise: a person all of whose cases were closed ``RETENTION_ANONYMISE_DAYS`` ago or
  more loses every field of every field group, their search tokens, and the free text of their
  cases (timeline summaries, contact notes, transition reasons). The cases stay, with their
  status, dates, referent organisation and participants, for statistics.

``apply`` runs both rules in one transaction and journals each archive and anonymisation as a
system action. It is idempotent: what was archived or anonymised is not due any more. The
operator schedules ``parcours retention`` daily (docs/retention.md).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.enums import CaseStatus
from parcours.cases.models import BreakGlassGrant, Case, Contact, Event, Transition
from parcours.core.groups import ALL_GROUPS
from parcours.people.models import FIELD_GROUPS, Person, SearchToken


@dataclass(frozen=True)
class RetentionReport:
    """What a run did (or, with ``dry_run``, would do); refs are pseudonymous, never names."""

    archived: int = 0
    anonymised: int = 0
    dry_run: bool = False
    archived_refs: tuple[str, ...] = ()
    anonymised_refs: tuple[str, ...] = ()


def archive_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.RETENTION_ARCHIVE_DAYS)


def anonymise_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.RETENTION_ANONYMISE_DAYS)


def due_for_archive(now: datetime.datetime):
    """Rule 1: closed cases with ``closed_at <= now - RETENTION_ARCHIVE_DAYS``, not yet archived."""
    return Case.objects.filter(
        status=CaseStatus.CLOSED,
        closed_at__lte=archive_cutoff(now),
        archived_at__isnull=True,
    )


def _cases_keeping_identity(cutoff: datetime.datetime):
    """Cases that keep their person identified: not closed, or closed after ``cutoff``."""
    return Case.objects.filter(~Q(status=CaseStatus.CLOSED) | Q(closed_at__gt=cutoff))


def due_for_anonymisation(now: datetime.datetime):
    """Rule 2: people not yet anonymised, with at least one case, all of whose cases are closed
    with ``closed_at <= now - RETENTION_ANONYMISE_DAYS``.

    A person with any case still open (or contact lost, in safety...), or closed more recently,
    is kept. A person without any case is left alone: people are created with their first case,
    so a person without one is being created, and is none of this rule's business.
    """
    cutoff = anonymise_cutoff(now)
    return (
        Person.objects.filter(anonymised_at__isnull=True)
        .filter(Exists(Case.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(_cases_keeping_identity(cutoff).filter(person=OuterRef("pk"))))
    )


def erased_values() -> dict:
    """The value each field of each field group of ``Person`` is reset to: its empty default
    ("" for text, [] for lists, "U" for sex), or None where the field has no default."""
    values = {}
    for names in FIELD_GROUPS.values():
        for name in names:
            field = Person._meta.get_field(name)
            values[name] = field.get_default() if field.has_default() else None
    return values


def apply(now: datetime.datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Archive the cases due (rule 1), then anonymise the people due (rule 2), in one transaction.

    Each archived case and each anonymised person gets a journal entry (actor None: the system).
    With ``dry_run`` nothing is written, not even the journal; the report says what would be done.
    """
    now = now or timezone.now()
    if dry_run:
        archived = _refs(due_for_archive(now))
        anonymised = _refs(due_for_anonymisation(now))
        return RetentionReport(
            archived=len(archived),
            anonymised=len(anonymised),
            dry_run=True,
            archived_refs=archived,
            anonymised_refs=anonymised,
        )
    with transaction.atomic():
        archived = _archive(now)
        anonymised = _anonymise(now)
    return RetentionReport(
        archived=len(archived),
        anonymised=len(anonymised),
        archived_refs=tuple(archived),
        anonymised_refs=tuple(anonymised),
    )


def _refs(queryset) -> tuple[str, ...]:
    return tuple(queryset.order_by("pk").values_list("ref", flat=True))


def _archive(now: datetime.datetime) -> list[str]:
    # Locked and re-read under the lock: a case reopened meanwhile is no longer due.
    cases = list(
        due_for_archive(now).select_for_update().order_by("pk").only("pk", "ref", "person_id")
    )
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(archived_at=now)
    # Only the refs are loaded: nothing of the person is decrypted.
    people = Person.objects.only("pk", "ref").in_bulk({case.person_id for case in cases})
    reason = f"retention: closed {settings.RETENTION_ARCHIVE_DAYS} days ago or more"
    for case in cases:
        record(None, Action.RETENTION_ARCHIVE, case, related=people[case.person_id], reason=reason)
    return [case.ref for case in cases]


def _anonymise(now: datetime.datetime) -> list[str]:
    cutoff = anonymise_cutoff(now)
    people = list(due_for_anonymisation(now).select_for_update().order_by("pk").only("pk", "ref"))
    erased = erased_values()
    reason = f"retention: all cases closed {settings.RETENTION_ANONYMISE_DAYS} days ago or more"
    done = []
    for person in people:
        # Lock the person's cases and check again: a case reopened since the query keeps them.
        cases = list(
            Case.objects.select_for_update()
            .filter(person_id=person.pk)
            .order_by("pk")
            .only("pk", "status", "closed_at")
        )
        if not cases or any(
            case.status != CaseStatus.CLOSED or case.closed_at > cutoff for case in cases
        ):
            continue
        # Plain updates: nothing is decrypted, and the erased values are sealed like any value.
        Person.objects.filter(pk=person.pk).update(
            **erased, anonymised_at=now, version=F("version") + 1
        )
        SearchToken.objects.filter(person_id=person.pk).delete()
        case_ids = [case.pk for case in cases]
        Event.objects.filter(case_id__in=case_ids).update(summary="")
        Contact.objects.filter(case_id__in=case_ids).update(note="")
        Transition.objects.filter(case_id__in=case_ids).update(reason="")
        BreakGlassGrant.objects.filter(case_id__in=case_ids).update(reason="")
        record(None, Action.RETENTION_ANONYMISE, person, groups=ALL_GROUPS, reason=reason)
        done.append(person.ref)
    return done


def step(now: datetime.datetime) -> int:
    """The worker's daily step: ``apply`` at the round's time; how many cases were archived and
    people anonymised."""
    report = apply(now)
    return report.archived + report.anonymised
