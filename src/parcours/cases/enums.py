from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_SAFETY = "in_safety", _("In safety")
    FOLLOWED = "followed", _("Followed")
    CONTACT_LOST = "contact_lost", _("Contact lost")
    CLOSED = "closed", _("Closed")


class ParticipantRole(models.TextChoices):
    SUPPORT = "support", _("Support")
    SHELTER = "shelter", _("Shelter")
    INVESTIGATION = "investigation", _("Investigation")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal aid")
    RESIDENCE = "residence", _("Residence rights")
    INSERTION = "insertion", _("Insertion")
    COORDINATION = "coordination", _("Coordination")


class SharingBasis(models.TextChoices):
    CONSENT = "consent", _("The person's consent")
    LEGAL = "legal", _("A legal basis")


class LegalBasis(models.TextChoices):
    """Legal bases for sharing other than consent (DOMAIN.md section 7); each names its text."""

    CHILD_PROTECTION = "casf_l226_2_2", _("Child protection (CASF L226-2-2)")
    SOCIAL_ACTION = "casf_l121_6_2", _("Social action coordination (CASF L121-6-2)")
    CARE_TEAM = "csp_l1110_4", _("Care team (CSP L1110-4)")
    JUDICIAL_REQUISITION = "judicial_requisition", _("Judicial requisition")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    STATUS = "status", _("Status changed")
    PARTICIPANT_ADDED = "participant_added", _("Participant added")
    PARTICIPANT_ENDED = "participant_ended", _("Participant removed")
    CONTACT = "contact", _("Contact")
    NOTE = "note", _("Note")
    BREAK_GLASS = "break_glass", _("Exceptional access")
    CONFERENCE = "conference", _("Case conference")
    HANDOVER = "handover", _("Referent hand-over")
    SHARING_REFUSED = "sharing_refused", _("The person refuses all sharing")
    SAFETY_OVERRIDE = "safety_override", _("Danger-zone rule overridden by a coordinator")
    PLACEMENT = "placement", _("Safe shelter")
    IDENTIFICATION = "identification", _("Identification")


class ContactChannel(models.TextChoices):
    MET = "met", _("Met in person")
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Message")
    NO_ANSWER = "no_answer", _("Tried, no answer")
