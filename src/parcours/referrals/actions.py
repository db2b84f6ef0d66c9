"""Journal action codes written by the referrals app (labels: ``parcours.audit.enums.Action``).

Each entry is written with the case as object and the referral (when there is one) as related
object, so it appears in the person's access history.
"""

from parcours.audit.enums import Action

REFERRAL_CREATE = Action.REFERRAL_CREATE  # groups: the shared groups
REFERRAL_STATUS = Action.REFERRAL_STATUS  # reason: "from>to[:refusal code]"
REFERRAL_LEGAL_BASIS = Action.REFERRAL_LEGAL_BASIS  # reason: the legal basis
CONSENT_RECORD = Action.CONSENT_RECORD
CONSENT_WITHDRAW = Action.CONSENT_WITHDRAW
