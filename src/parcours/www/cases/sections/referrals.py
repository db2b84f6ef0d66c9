"""Referrals and consents of the case: every referral for the referent's caseworkers (grouped
as attempts per kind of service), only those addressed to its organisation for another reader;
the consents per recipient, and the refusal of all sharing."""

from django.utils import timezone

from parcours.cases import sharing_refusal
from parcours.referrals.enums import ReferralStatus, ServiceKind


def context(view, forms) -> dict:
    """The referent's caseworkers see every referral (grouped as attempts per kind of service
    when there are several) and the consents; another reader sees only the referrals addressed
    to its organisation."""
    now = timezone.now()
    actor, case = view.actor, view.case
    referrals = view.case_referrals().select_related("service", "to_org", "from_org")
    if not view.editable:
        mine = referrals.filter(to_org_id=actor.organisation_id).exclude(
            status=ReferralStatus.DRAFT
        )
        return {
            "referral_lines": [],
            "addressed_referrals": [view.referral_line(r, now) for r in mine],
            "sharing_refused": False,
        }
    labels = dict(ServiceKind.choices)
    referrals = list(referrals)
    lines = []
    for kind in dict.fromkeys(r.service.kind for r in referrals):
        items = [r for r in referrals if r.service.kind == kind]
        # The attempts to this kind of service, newest first (the one that matters now on
        # top), drafts left out (as ``services.attempts``), read from the referrals loaded.
        attempts = sorted(
            (r for r in items if r.status != ReferralStatus.DRAFT),
            key=lambda r: (r.created_at, r.pk),
            reverse=True,
        )
        if len(attempts) > 1:
            items = attempts
        lines.append(
            {
                "kind": labels.get(kind, kind),
                "referrals": [view.referral_line(r, now) for r in items],
                "attempts": len(items) > 1,
            }
        )
    return {
        "referral_lines": lines,
        "addressed_referrals": [],
        "consents": [
            (consent, view.org_label(consent.recipient))
            for consent in case.consents.select_related("recipient")
        ],
        "sharing_refused": sharing_refusal.already_recorded(case),
    }
