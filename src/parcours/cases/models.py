"""The pathway: a case per person and episode, its participants, timeline and contact log."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.cases import event_kinds
from parcours.cases.enums import (
    CaseStatus,
    ContactChannel,
    EventKind,
    LegalBasis,
    ParticipantRole,
    SharingBasis,
)
from parcours.core.fields import EncryptedJSONField, EncryptedTextField
from parcours.core.groups import FieldGroup
from parcours.core.models import FreshReference, TransitionLog
from parcours.core.refs import new_reference


def new_case_ref() -> str:
    return new_reference("C")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The cases ``actor`` may see; the only way pages and exports list cases."""
        from parcours.access.scopes import visible_cases

        return visible_cases(actor, self)


class Case(FreshReference, models.Model):
    """One person's pathway for one episode, held by a referent organisation.

    The status moves only through ``parcours.cases.lifecycle`` (which writes the transition log);
    ``version`` guards against two people editing the same case from stale pages.
    """

    REF_PREFIX = "C"

    ref = models.CharField(max_length=12, unique=True, default=new_case_ref, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    episode = models.PositiveSmallIntegerField(default=1)
    # Indexed by case_org_opened and case_user_opened below, which lead with them.
    referent_org = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referent_cases",
        db_index=False,
    )
    referent_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referent_cases",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set by the retention policy (parcours.cases.retention) once the case is archived.
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True, editable=False)
    # Set once by parcours.cases.sharing_refusal: the person refuses all sharing, so the
    # territorial coordination no longer sees the case (parcours.access.scopes).
    sharing_refused_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    intake_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The operation the person was found in (a labour inspection, a police operation): the
    # cases opened together by one intake for several people share it, and the coordinator's
    # batch allocation picks their placement requests up by it. A label, never a name.
    operation = models.CharField(_("operation"), max_length=60, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [
            # The list's pages, read in order (parcours.access.case_pages): an organisation's
            # cases, a caseworker's own.
            models.Index(fields=["referent_org", "opened_at", "id"], name="case_org_opened"),
            models.Index(fields=["referent_user", "opened_at", "id"], name="case_user_opened"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "episode"], name="case_unique_episode"),
            models.CheckConstraint(
                condition=(Q(status=CaseStatus.CLOSED) & Q(closed_at__isnull=False))
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="case_closed_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | Q(status=CaseStatus.CLOSED),
                name="case_archived_only_when_closed",
            ),
        ]

    def __str__(self):
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("case_detail", kwargs={"ref": self.ref})


class Participant(models.Model):
    """An organisation taking part in a case, the groups it sees, and on which basis.

    A participant sees a group only if it is in ``groups`` *and* its member's role allows it
    (``parcours.core.groups.ROLE_GROUP_CAP``). Consent needs its date; a legal basis names the
    text. Ending a participation (``active=False``) removes access from the next request on.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role in the case"), max_length=24, choices=ParticipantRole.choices)
    groups = models.JSONField(_("shared groups"), default=list)
    basis = models.CharField(_("basis"), max_length=8, choices=SharingBasis.choices)
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=32, choices=LegalBasis.choices, blank=True
    )
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=Q(active=True),
                name="participant_unique_active",
            ),
            models.CheckConstraint(
                condition=(Q(basis=SharingBasis.CONSENT) & Q(consent_date__isnull=False))
                | (Q(basis=SharingBasis.LEGAL) & ~Q(legal_basis="")),
                name="participant_basis_complete",
            ),
        ]
        indexes = [
            # The scope's "cases my organisation takes part in" (parcours.access.scopes).
            models.Index(
                fields=["organisation", "case"],
                condition=Q(active=True),
                name="participant_org_active",
            )
        ]

    def __str__(self):
        return f"{self.organisation} in {self.case}"

    def group_labels(self) -> list[str]:
        labels = dict(FieldGroup.choices)
        return [str(labels[group]) for group in self.groups if group in labels]


class Transition(TransitionLog):
    """The log of a case's status changes: who moved it, from what, to what, and why (its note
    is the reason, stored in the column ``reason``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    note = None
    reason = EncryptedTextField(blank=True, default="")

    class Meta(TransitionLog.Meta):
        pass


class Event(models.Model):
    """A typed entry of the case timeline. Its text belongs to one field group."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    group = models.CharField(max_length=16, choices=FieldGroup.choices, default=FieldGroup.SOCIAL)
    at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    by_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    summary = EncryptedTextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)  # codes only, never personal data

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d}"

    def describe(self, org_label=None) -> str:
        """The event in the reader's language, built from codes and ids (never stored text),
        by the app that owns its kind (``cases.event_kinds``).

        ``org_label(organisation_id)`` names an organisation for this reader (the redaction
        object's ``org_label``): a host facility is "a facility of the network" to readers who
        may not know where the person sleeps. Without it, no organisation is named."""
        return event_kinds.describe(self.kind, self.data or {}, org_label or (lambda _pk: ""))


class Contact(models.Model):
    """One attempt to reach the person, successful or not (the contact log)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("when"))
    channel = models.CharField(_("how"), max_length=16, choices=ContactChannel.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by_org = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("note"), blank=True, default="")
    request_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.channel} {self.at:%Y-%m-%d}"

    @property
    def reached(self) -> bool:
        return self.channel != ContactChannel.NO_ANSWER


class Task(models.Model):
    """Something an organisation has to do for the pathway, by a date.

    Its title is free text (encrypted) and belongs to the social group: those who see the case's
    social situation see its tasks. Created by the referent or a participant that sees the social
    group; done by the owner organisation or the referent (``parcours.cases.tasks``).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    owner_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["status", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(done_at__isnull=True))
                | (~Q(status="open") & Q(done_at__isnull=False)),
                name="task_done_at_matches_status",
            )
        ]

    def __str__(self):
        return f"task {self.pk} ({self.status})"

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_on is not None and self.due_on < today


class Appointment(models.Model):
    """A meeting on the pathway (a hearing with investigators, a medical visit...).

    Its purpose belongs to the social group; its place to the location group. The attending
    organisations see the appointment and its place (they have to be there); everyone else sees
    it with the social group and its place only with the location group
    (``parcours.cases.appointments``).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    at = models.DateTimeField(_("when"))
    purpose = EncryptedTextField(_("purpose"))
    place = EncryptedTextField(_("place"), blank=True, default="")
    # The place's département and point, checked against the danger zones (location group).
    where = EncryptedJSONField(null=True, blank=True)
    attendees = models.ManyToManyField(
        "accounts.Organisation", related_name="appointments", verbose_name=_("who attends")
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"appointment {self.pk} {self.at:%Y-%m-%d %H:%M}"


class Handover(models.Model):
    """The referent organisation asks another organisation to become referent of the case.

    Until that organisation accepts, nothing changes: it sees the proposal (the case reference,
    who proposes, why) and not the person. On acceptance it becomes referent (and sees what a
    referent sees); the former referent may stay as a participant following the social
    situation. Giving a whole case to another organisation is a sharing: it needs the person's
    consent for that organisation, or a named legal basis (``parcours.cases.handover``).
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="handovers_given"
    )
    to_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="handovers_received"
    )
    reason = EncryptedTextField(_("why"))
    former_stays = models.BooleanField(default=True)
    basis = models.CharField(max_length=10, choices=SharingBasis.choices)
    consent_date = models.DateField(null=True, blank=True)
    legal_basis = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer_note = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="proposed"),
                name="one_pending_handover_per_case",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.from_org_id}>{self.to_org_id} {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("handover_detail", kwargs={"pk": self.pk})


class BreakGlassQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class BreakGlassGrant(models.Model):
    """Who opened which case outside their scope, acting for which organisation, why, and until
    when: it lives with the cases it opens. Created only by ``parcours.access.breakglass.
    open_case`` (the permission layer decides who may), which journals it and tells the case's
    referent. Its table keeps the name it had in ``access`` (the reason is encrypted bound to
    it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    reason = EncryptedTextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        db_table = "access_breakglassgrant"
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="break_glass_expires_after_grant",
            )
        ]
        indexes = [
            # The scope's "cases I opened by break-glass" (parcours.access.scopes).
            models.Index(fields=["user", "organisation", "expires_at"], name="break_glass_holder")
        ]

    def __str__(self):
        return f"break-glass {self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"
