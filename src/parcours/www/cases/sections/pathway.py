"""The pathway by domain (housing, health cover, income...), each with its step, from
``referrals.pathway``; a shelter recipient named as the redaction object names it."""

from parcours.referrals.pathway import pathway


def context(view, forms) -> dict:
    return {"pathway": pathway(view.case, view.groups, recipient_label=view.recipient_label)}
