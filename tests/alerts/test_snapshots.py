"""Snapshots (syrupy) of what each kind of notification says: the e-mail (subject and body, in
French, the service's language) and the notification's title and text as read in French and in
English. A changed wording shows as a snapshot diff to review; a new kind fails until its
snapshot is written (``pytest --snapshot-update tests/alerts/test_snapshots.py``).

Deterministic: fixed references, fixed base URL, the parameters the application passes for
each kind (no name, no date in any of them). Links are the case's or the referral's page: the
wording is what is pinned here, where each kind links is tested with its flow."""

import pytest
from django.urls import reverse
from django.utils import translation

from parcours.alerts.kinds import KINDS, text_for, title_for
from parcours.alerts.models import OutboxEmail
from parcours.alerts.notify import notify
from parcours.core.refs import is_valid_reference
from tests import personas

CASE_REF = "C-SNAP-10"  # valid references (their check character included)
REFERRAL_REF = "R-SNAP-2J"
BASE_URL = "https://parcours.exemple.test"

# What the application puts in ``params`` (non-identifying) for the kinds that have any.
PARAMS = {
    "contact_lost": {"days": 30},  # settings.CONTACT_LOST_DAYS (cases.contact_watch)
    "break_glass": {"org": "Coordination nationale (fictive)", "hours": 3},  # access.breakglass
    "sharing_refused": {"departement": "Gironde (33)"},  # cases.sharing_refusal
    "reflection_ending": {"days": 4},  # identification.reflection
    "report_received": {"departement": "Gironde (33)"},  # reporting.submit
    "report_without_coordination": {"departement": "Gironde (33)"},  # reporting.submit
    "journal_root": {"day": "2026-12-01", "number": 42, "hash": "ab" * 32},  # audit.sealing
    "alert_escalated": {"hours": 49},  # alerts.escalation
}
# Kinds told with no link: the organisation no longer sees the case (referrals.consent), the
# notice names nobody and no case (cases.sharing_refusal), the journal's daily seal is about no
# case (audit.sealing).
NO_LINK = {"consent_withdrawn", "sharing_refused", "journal_root"}


def _ref_and_link(kind):
    if kind in ("sharing_refused", "journal_root"):
        return "", ""
    if kind.startswith("referral_"):
        return REFERRAL_REF, reverse("referral_detail", kwargs={"ref": REFERRAL_REF})
    link = "" if kind in NO_LINK else reverse("case_detail", kwargs={"ref": CASE_REF})
    return CASE_REF, link


@pytest.fixture
def member(db):
    persona = personas.make_persona("destinataire")
    persona.user.email = "destinataire@exemple.test"
    persona.user.save(update_fields=["email"])
    return persona


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_what_each_notification_says(kind, member, settings, snapshot):
    settings.BASE_URL = BASE_URL
    ref, link = _ref_and_link(kind)
    notification = notify(
        kind, member.actor.organisation, ref=ref, link=link, params=PARAMS.get(kind)
    )
    (email,) = OutboxEmail.objects.filter(notification=notification)
    read = {}
    for language in ("fr", "en"):
        with translation.override(language):
            read[language] = {"title": title_for(notification), "text": text_for(notification)}
    assert {"email": {"subject": email.subject, "body": email.body}, "read": read} == snapshot


def test_the_fixed_references_are_valid():
    assert is_valid_reference("C", CASE_REF) and is_valid_reference("R", REFERRAL_REF)


def test_every_kind_with_parameters_in_its_texts_has_them_here():
    """A kind whose texts take parameters besides the reference must be given them above (or
    its snapshot would be of a formatting error)."""
    import re

    for kind, texts in KINDS.items():
        wanted = {
            name
            for text in texts
            if text
            for name in re.findall(r"%\((\w+)\)s", str(text))
            if name != "ref"
        }
        assert wanted == set(PARAMS.get(kind, {})), kind
