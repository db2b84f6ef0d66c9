"""Every coded refusal of the case checked against the person's rights (issue 12, item 3).

A refusal of a referral whose code the law does not allow for a right the person holds (the
right's ``contested_refusals``, its conditions met) is "possibly contrary" to that right's
article, with the reasoning in two lines; when a fact would decide it and is unknown, the
question comes first. A discretionary right, or a right whose conditions are not met, makes no
finding. The verdicts come from the catalogue and the recorded facts only.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from parcours.referrals.enums import REFUSAL_LABELS
from parcours.rights.evaluation import ELIGIBLE, UNKNOWN
from parcours.rights.facts import FactDef

CONTRARY = "contrary"
ASK = "ask"


@dataclass
class Finding:
    kind: str  # CONTRARY or ASK
    referral_ref: str
    right_id: str
    article: str  # "CASF L222-5, 5°"
    lines: list[str] = field(default_factory=list)  # the reasoning, two lines
    questions: list[FactDef] = field(default_factory=list)
    verified: bool = True


def review(referrals, verdicts) -> list[Finding]:
    """Findings for the refused referrals among ``referrals`` (each with ``ref``, ``status``,
    ``refusal_code`` and ``service.kind``), given the case's verdicts (``evaluation``)."""
    findings = []
    for referral in referrals:
        if referral.status != "refused" or not referral.refusal_code:
            continue
        for verdict in verdicts.values():
            right = verdict.right
            if (
                right.discretionary
                or right.service_kind != referral.service.kind
                or referral.refusal_code not in right.contested_refusals
            ):
                continue
            basis = right.legal_basis
            article = f"{basis.code} {basis.article}"
            refused = str(REFUSAL_LABELS.get(referral.refusal_code, referral.refusal_code))
            if verdict.eligibility == ELIGIBLE:
                findings.append(
                    Finding(
                        CONTRARY,
                        referral.ref,
                        right.id,
                        article,
                        [
                            _("Refused as: “%(reason)s”.") % {"reason": refused},
                            _("%(right)s is due once its conditions hold, as they do: %(summary)s")
                            % {"right": right.name, "summary": basis.summary},
                        ],
                        verified=basis.verified,
                    )
                )
            elif verdict.eligibility == UNKNOWN:
                findings.append(
                    Finding(
                        ASK,
                        referral.ref,
                        right.id,
                        article,
                        [
                            _("Refused as: “%(reason)s”.") % {"reason": refused},
                            _("This refusal may be contrary to %(article)s: answer first.")
                            % {"article": article},
                        ],
                        questions=list(verdict.missing),
                        verified=basis.verified,
                    )
                )
    return findings
