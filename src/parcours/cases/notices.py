"""E-mail notices to a case's referent organisation: the case reference and a link, never a name.

Sent after the transaction commits by the caller (``transaction.on_commit``). A failed send never
undoes what happened; it is logged with the reference only. (A notifications outbox with retries
comes with the notifications work.)
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from parcours.accounts.enums import Role

logger = logging.getLogger(__name__)


def referent_emails(case) -> list[str]:
    """Caseworkers and managers of the referent organisation who have an address."""
    from parcours.accounts.models import User

    return list(
        User.objects.filter(
            memberships__organisation=case.referent_org,
            memberships__active=True,
            memberships__role__in=[Role.CASEWORKER, Role.MANAGER],
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def case_link(case) -> str:
    return settings.BASE_URL + reverse("case_detail", kwargs={"ref": case.ref})


def tell_referent(case, what: str, subject: str, message: str) -> None:
    """Send ``subject``/``message`` (already translated, with the link in it) to the referent."""
    recipients = referent_emails(case)
    if not recipients:
        return
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    except Exception:  # the action stands; the operator sees the failure in the logs
        logger.warning("%s notice not sent for case %s", what, case.ref, exc_info=True)
