from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW_CASE = "case.view", _("viewed the case")
    VIEW_PERSON = "person.view", _("viewed the person")
    VIEW_HISTORY = "person.history", _("viewed the access history")
    LIST_CASES = "case.list", _("listed cases")
    SEARCH = "person.search", _("searched by name or phone")
    CREATE_CASE = "case.create", _("opened a case")
    CHANGE_STATUS = "case.status", _("changed the status")
    ADD_PARTICIPANT = "case.participant_add", _("added a participant")
    END_PARTICIPANT = "case.participant_end", _("removed a participant")
    LOG_CONTACT = "case.contact", _("logged a contact")
    ADD_NOTE = "case.note", _("added a note")
    ADD_TASK = "case.task_add", _("added a task")
    CLOSE_TASK = "case.task_close", _("closed a task")
    PLAN_APPOINTMENT = "case.appointment", _("planned an appointment")
    UPDATE_PERSON = "person.update", _("updated the person")
    BREAK_GLASS = "case.break_glass", _("opened the case outside their scope")
    REFERRAL_CREATE = "referral.create", _("created a referral")
    REFERRAL_STATUS = "referral.status", _("changed the status of a referral")
    REFERRAL_LEGAL_BASIS = (
        "referral.legal_basis",
        _("sent a referral without consent, on a legal basis"),
    )
    CONSENT_RECORD = "consent.record", _("recorded the person's consent")
    CONSENT_WITHDRAW = "consent.withdraw", _("recorded a withdrawal of consent")
    ADMIN_VIEW = "admin.view", _("viewed an administration page")
    ADMIN_CHANGE = "admin.change", _("changed data in the administration")
    SIGN_IN = "auth.sign_in", _("signed in")
    SIGN_OUT = "auth.sign_out", _("signed out")
    SIGN_IN_FAILED = "auth.sign_in_failed", _("failed to sign in")
    DEMO_LOAD = "system.demo", _("loaded demo data")
    KEY_ROTATION = "system.keys", _("re-encrypted data with the current key")
    RETENTION_ARCHIVE = "retention.archive", _("archived the case")
    RETENTION_ANONYMISE = "retention.anonymise", _("anonymised the person")
