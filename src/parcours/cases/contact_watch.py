"""The lost-contact rule: a case without a reached contact for ``CONTACT_LOST_DAYS`` moves to
"contact lost", and its referent is told; a new reached contact brings it back (services).

Computed from the contact log (``Case.last_contact_at``), so it cannot drift from it; run by
``parcours worker``, idempotent (a case already marked is not marked again).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases import lifecycle
from parcours.cases.enums import CaseStatus
from parcours.cases.models import Case
from parcours.cases.notices import tell_referent

WATCHED = (CaseStatus.OPEN, CaseStatus.IN_SAFETY, CaseStatus.FOLLOWED)


def due_for_contact_lost(now=None):
    """Watched cases whose last reached contact (or opening) is older than the delay."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.CONTACT_LOST_DAYS)
    return Case.objects.filter(status__in=WATCHED, last_contact_at__lt=limit)


def mark_lost_contacts(now=None) -> list[str]:
    """Move every due case to "contact lost"; return their references."""
    marked = []
    for pk in list(due_for_contact_lost(now).values_list("pk", flat=True)):
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("referent_org").get(pk=pk)
            if case not in due_for_contact_lost(now):
                continue  # a contact arrived meanwhile
            lifecycle.apply_move(
                case,
                CaseStatus.CONTACT_LOST,
                None,
                reason=_("No contact for %(days)d days.") % {"days": settings.CONTACT_LOST_DAYS},
                system=True,
            )
            tell_referent(
                case,
                "contact_lost",
                {"days": settings.CONTACT_LOST_DAYS},
                dedup_key=f"contact_lost:{case.pk}:{case.transitions.latest('pk').pk}",
            )
            marked.append(case.ref)
    return marked
