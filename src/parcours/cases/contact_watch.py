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
            transaction.on_commit(lambda case=case: _tell_referent(case))
            marked.append(case.ref)
    return marked


def _tell_referent(case) -> None:
    from parcours.cases.notices import case_link, tell_referent

    tell_referent(
        case,
        "contact-lost",
        _("Parcours: contact lost on case %(ref)s") % {"ref": case.ref},
        _(
            "No contact has been logged on case %(ref)s for %(days)d days: it is now marked "
            "“contact lost”. %(link)s"
        )
        % {"ref": case.ref, "days": settings.CONTACT_LOST_DAYS, "link": case_link(case)},
    )
