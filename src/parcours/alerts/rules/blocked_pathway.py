"""A blocked pathway (``rights.blocking``): requests that wait on each other in a cycle
(nobody can enter it: open at once, from the newest request of the cycle), or a chain of
requests waiting on a stuck one for more than D days (default 14, from the newest request of
the chain). Closes when the cycle or the chain is broken (a condition met, a request granted)."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from parcours.alerts.rules import WATCHED, Alert, Rule, kind_label, threshold, within
from parcours.core.groups import FieldGroup
from parcours.referrals.deadlines import answer_delay
from parcours.referrals.models import Referral
from parcours.rights.blocking import PENDING
from parcours.rights.services import BLOCKED, rights_in_bulk

CODE = "blocked_pathway"


def find(now: datetime.datetime, cases=None):
    days = threshold(CODE)["days"]
    # A cycle or a chain needs two kinds of service asked, at least, and one of them stating
    # what it requires (in the directory or in the case): the other cases are not read.
    pending = within(Referral.objects, cases).filter(status__in=PENDING, case__status__in=WATCHED)
    two = pending.values("case_id").annotate(kinds=Count("service__kind", distinct=True))
    stating = pending.filter(~Q(service__required=[]) | Q(stated_requirements__isnull=False))
    candidates = two.filter(kinds__gte=2, case_id__in=stating.values("case_id")).values("case_id")
    for case_id, rights in rights_in_bulk(candidates, now=now, parts=(BLOCKED,)).items():
        last = {r.service.kind: r for r in rights.referrals}  # oldest first: the newest stays
        sent = {kind: referral.sent_at for kind, referral in last.items()}
        for cycle in rights.cycles:
            kinds = cycle.kinds
            since = max((sent[k] for k in kinds if sent.get(k)), default=None)
            if since:
                yield Alert(CODE, case_id, "cycle:" + ",".join(sorted(kinds)), since,
                            {"kinds": sorted(kinds)})  # fmt: skip
        for chain in rights.chains:
            kinds = chain.kinds
            newest = max((sent[k] for k in kinds if sent.get(k)), default=None)
            if newest is None:
                continue
            stuck = last[chain.stuck]
            stuck_at = stuck.answered_at or stuck.sent_at + answer_delay(chain.stuck)
            since = max(newest, stuck_at) + datetime.timedelta(days=days)
            if now >= since:
                yield Alert(CODE, case_id, "chain:" + ",".join(kinds), since,
                            {"kinds": kinds, "why": chain.why})  # fmt: skip


def detail(params: dict) -> str:
    kinds = [kind_label(kind) for kind in params["kinds"]]
    if "why" in params:  # a chain, in its order
        return _("Requests waiting in a chain: %(kinds)s") % {"kinds": " → ".join(kinds)}
    return _("Requests waiting on each other: %(kinds)s") % {"kinds": ", ".join(kinds)}


RULE = Rule(
    CODE,
    find,
    urgency=2,
    title=_("The pathway is blocked"),
    groups=frozenset({FieldGroup.SOCIAL}),
    detail=detail,
)
