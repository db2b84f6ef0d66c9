"""A refusal possibly contrary to law: the rights engine (``rights.review``) finds that a
refused referral was refused on a ground the law does not allow for a right the person holds.
Open from the refusal until the facts change the verdict, a new request to the same kind of
service is answered, or the case closes. (A finding that needs a fact first, "answer first",
is not an alert: the case page asks the question.)"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.alerts.rules import WATCHED, Alert, Rule, within
from parcours.core.groups import FieldGroup
from parcours.referrals.enums import ReferralStatus
from parcours.referrals.models import Referral
from parcours.rights.catalogue import catalogue
from parcours.rights.review import CONTRARY
from parcours.rights.services import FINDINGS, rights_in_bulk

CODE = "refusal_contrary"


def find(now: datetime.datetime, cases=None):
    # Only a ground some right contests can be contrary to it: the cases of the others are
    # not read (most refusals are "no place", which the law allows).
    contested = Q(pk__in=[])
    for right in catalogue():
        if not right.discretionary and right.contested_refusals:
            contested |= Q(service__kind=right.service_kind,
                           refusal_code__in=list(right.contested_refusals))  # fmt: skip
    refused = within(Referral.objects, cases).filter(
        contested, status=ReferralStatus.REFUSED, case__status__in=WATCHED
    )
    found = rights_in_bulk(refused.values("case_id"), now=now, parts=(FINDINGS,))
    for case_id, rights in found.items():
        answered = {r.ref: r for r in rights.referrals}
        for finding in rights.findings:
            referral = answered.get(finding.referral_ref)
            if finding.kind != CONTRARY or referral is None:
                continue
            yield Alert(
                CODE,
                case_id,
                f"{referral.pk}:{finding.right_id}",
                referral.answered_at or referral.sent_at,
                {"right": finding.right_id, "article": finding.article},
            )


def detail(params: dict) -> str:
    return _("Against %(article)s") % {"article": params["article"]}


RULE = Rule(
    CODE,
    find,
    urgency=1,
    title=_("A refusal may be contrary to the law"),
    groups=frozenset({FieldGroup.SOCIAL}),
    detail=detail,
)
