"""Identification (issue 13): indicator screenings, the stages of identification, the forms of
exploitation, the information given at the start of the reflection period, and a claim to be a
minor with its decision. Free text and answers about the person are encrypted; codes are not."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.fields import EncryptedJSONField, EncryptedTextField


class Screening(models.Model):
    """An indicator screening of a case by a participant's member: a draft saved at any time,
    completed once. ``answers``: indicator id -> observed, reported, not_observed or unknown
    (``identification.indicators``), read against the indicator file's ``catalogue_version``.
    ``version`` guards concurrent saves (two tabs, a retry)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screenings")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    catalogue_version = models.PositiveIntegerField()
    answers = EncryptedJSONField(_("answers"), default=dict, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    recommendation = models.CharField(max_length=16, blank=True)  # at completion
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("indicator screening")
        ordering = ["-updated_at", "-pk"]
        constraints = [  # one open draft per organisation and case: two clicks make one
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=models.Q(status="draft"),
                name="screening_one_draft",
            )
        ]

    def __str__(self):
        return f"screening {self.pk}"


class Stage(models.Model):
    """A stage of identification reached on a date, said by an organisation: reported, presumed
    victim (by a participant), identified (by police or gendarmerie), complaint or testimony,
    conviction. One row per stage and case; a correction rewrites it (journaled)."""

    class Code(models.TextChoices):
        REPORTED = "reported", _("Reported")
        PRESUMED = "presumed", _("Presumed victim")
        IDENTIFIED = "identified", _("Identified by police or gendarmerie")
        COMPLAINT = "complaint", _("Complaint filed or testimony given")
        CONVICTION = "conviction", _("Final conviction")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(_("stage"), max_length=16, choices=Code.choices)
    on = models.DateField(_("on"))
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    note = EncryptedTextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("identification stage")
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="stage_once")]

    def __str__(self):
        return self.code


class ExploitationForm(models.Model):
    """A form of exploitation of the case (several allowed) with its sub-types; codes from
    ``identification.exploitation`` (HTCDS picklists and Parcours extensions; the mapping is
    docs/exploitation-forms.md)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="exploitation_forms"
    )
    form = models.CharField(_("form of exploitation"), max_length=32)
    subtypes = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("form of exploitation")
        constraints = [models.UniqueConstraint(fields=["case", "form"], name="form_once")]

    def __str__(self):
        return self.form


class ReflectionInformation(models.Model):
    """The person was told of the reflection period and their rights (a removal decided without
    this information was annulled: Conseil d'État, 15 June 2012): when, in which language,
    through which interpreter, by whom. Language and interpreter are encrypted."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="reflection_information"
    )
    given_on = models.DateField(_("given on"))
    language = EncryptedTextField(_("language"))
    interpreter = EncryptedTextField(_("interpreter"), blank=True, default="")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("information on the reflection period")
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return str(self.given_on)


class MinorityClaim(models.Model):
    """The person says they are a minor: treated as a minor until a decision says otherwise;
    the decision (minor or adult), its date, who took it and on which basis are recorded."""

    class Decision(models.TextChoices):
        MINOR = "minor", _("Minor")
        ADULT = "adult", _("Adult")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="minority_claim"
    )
    claimed_on = models.DateField(_("claimed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    basis = EncryptedTextField(_("basis of the decision"), blank=True, default="")

    class Meta:
        verbose_name = _("claim to be a minor")

    def __str__(self):
        return f"{self.case_id}: {self.decision or 'claimed'}"


class InformationSheet(models.Model):
    """The sheet of rights and time limits given to the person: in which language, when, by
    whom (``identification.sheet`` builds it from the rights catalogue)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="information_sheets"
    )
    language = models.CharField(max_length=8)
    given_on = models.DateField(_("given on"))
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("information sheet given")
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return f"{self.language} {self.given_on}"
