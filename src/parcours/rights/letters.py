"""Letters about refusals (issue 12, item 3): to the body that refused when the refusal is
possibly contrary to a right the person holds, or to the prefecture when shelter was refused
again and again, recalling the State's duty to shelter and protect victims of trafficking.

Always in French, formal, citing the articles of the catalogue (an unverified one is cited "sous
réserve de vérification"); the person is named only if the referent chooses, otherwise the
case's reference stands for them. The letter is kept as written (encrypted) and journaled; the
answer to it can be recorded. Only the referent's caseworkers write and read them, and not one
addressed to a facility whose name tells where the person sleeps unless they may know it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.access.redaction import location_revealing_org_ids
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.groups import FieldGroup
from parcours.core.pdf import render_pdf
from parcours.rights.catalogue import catalogue
from parcours.rights.models import Letter
from parcours.rights.review import CONTRARY

TEMPLATE = "www/rights/letter_body.html"
REPEATED_SHELTER_REFUSALS = 3
SHELTER_KINDS = ("emergency_housing_115", "shelter")
STATE_DUTY = ("emergency_shelter", "secure_shelter")


@dataclass(frozen=True)
class Offer:
    kind: str
    recipient_id: int
    recipient_name: str
    right_ids: tuple[str, ...]
    referral_ref: str = ""
    refusals: int = 0


def may_write(actor, case, recipient_id: int) -> bool:
    if not rules.can_edit_case(actor, case):
        return False
    hidden = recipient_id in location_revealing_org_ids(case)
    return not hidden or FieldGroup.LOCATION in rules.groups_for(actor, case)


def offers(actor, case, referrals, findings) -> list[Offer]:
    """The letters the referent may write now: one per refusal possibly contrary to a right,
    one to the prefecture after repeated refusals of shelter."""
    from parcours.accounts.models import Organisation
    from parcours.core.roles import OrganisationKind

    by_ref = {referral.ref: referral for referral in referrals}
    found = []
    for finding in findings:
        referral = by_ref.get(finding.referral_ref)
        if finding.kind != CONTRARY or referral is None:
            continue
        if may_write(actor, case, referral.to_org_id):
            found.append(
                Offer(
                    "refusal",
                    referral.to_org_id,
                    referral.to_org.name,
                    (finding.right_id,),
                    referral.ref,
                )
            )
    refused = [
        r
        for r in referrals
        if r.service.kind in SHELTER_KINDS and r.status in ("refused", "expired")
    ]
    if len(refused) >= REPEATED_SHELTER_REFUSALS:
        prefecture = Organisation.objects.filter(
            kind=OrganisationKind.PREFECTURE,
            departement=case.referent_org.departement,
            active=True,
        ).first()
        if prefecture is not None and may_write(actor, case, prefecture.pk):
            found.append(
                Offer(
                    "prefecture", prefecture.pk, prefecture.name, STATE_DUTY, refusals=len(refused)
                )
            )
    return found


def _context(actor, case, offer: Offer, names_the_person: bool, referrals) -> dict:
    rights = catalogue().rights
    person = case.person
    refused = (
        [r for r in referrals if r.ref == offer.referral_ref]
        if offer.referral_ref
        else [
            r
            for r in referrals
            if r.service.kind in SHELTER_KINDS and r.status in ("refused", "expired")
        ]
    )
    return {
        "offer": offer,
        "today": timezone.localdate(),
        "sender": actor.organisation,
        "author": actor.user.display_name(),
        "case_ref": case.ref,
        "person_name": person.list_name if names_the_person else "",
        "person_birth": person.birth_date_display() if names_the_person else "",
        "refusals": refused,
        "rights": [rights[right_id] for right_id in offer.right_ids if right_id in rights],
    }


def write(actor, case, offer: Offer, *, names_the_person: bool, referrals) -> Letter:
    if not may_write(actor, case, offer.recipient_id):
        raise NotAllowed(_("Only the referent organisation writes these letters."))
    with translation.override(settings.LANGUAGE_CODE):  # a formal French letter
        body = render_to_string(TEMPLATE, _context(actor, case, offer, names_the_person, referrals))
    with transaction.atomic():
        letter = Letter.objects.create(
            case=case,
            kind=offer.kind,
            referral=next((r for r in referrals if r.ref == offer.referral_ref), None),
            recipient_id=offer.recipient_id,
            rights=list(offer.right_ids),
            names_the_person=names_the_person,
            body=body,
            created_at=timezone.now(),
            created_by=actor.user,
        )
        groups = [FieldGroup.IDENTITY] if names_the_person else []
        record(actor, Action.LETTER_WRITE, case, groups=groups, reason=str(letter.pk))
    return letter


def may_read(actor, letter) -> bool:
    return may_write(actor, letter.case, letter.recipient_id)


def pdf(letter) -> bytes:
    return render_pdf(letter.body)


def record_answer(actor, letter, text: str) -> Letter:
    if not may_read(actor, letter):
        raise NotAllowed(_("Only the referent organisation writes these letters."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write what was answered."))
    with transaction.atomic():
        letter.answer = text[:4000]
        letter.answered_at = timezone.now()
        letter.save(update_fields=["answer", "answered_at"])
        record(actor, Action.LETTER_ANSWER, letter.case, reason=str(letter.pk))
    return letter
