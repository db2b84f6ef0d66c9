"""A person who refuses that anything about them be shared is still counted.

The referent records the refusal on the case (timeline, journal). The coordinations that would
count the person — the territorial coordination of the referent's département, if any, and the
national coordination — receive a notification that carries the département and the date only:
no reference, no link, nothing that leads back to the person. Recording it twice for the same
case tells nobody twice: the notification's de-duplication key is a keyed hash of the case (the
blind-index key), which identifies nothing without the key.

From then on the case leaves the territorial coordination's scope (``Case.sharing_refused_at``,
``parcours.access.scopes``): it no longer lists, opens or finds the case by name; only
break-glass, with a written reason, opens it. The referent organisation keeps it.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.accounts.models import Organisation
from parcours.alerts.notify import notify
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases.enums import EventKind
from parcours.cases.models import Case
from parcours.cases.timeline import add_event
from parcours.core.crypto import keyring
from parcours.core.errors import NotAllowed
from parcours.core.geography import departement_name
from parcours.core.roles import OrganisationKind


def coordinations_for(case: Case):
    departement = case.referent_org.departement
    return Organisation.objects.filter(active=True).filter(
        kind=OrganisationKind.NATIONAL_COORDINATOR
    ) | Organisation.objects.filter(
        active=True, kind=OrganisationKind.TERRITORIAL_COORDINATOR, departement=departement
    )


def already_recorded(case: Case) -> bool:
    return case.events.filter(kind=EventKind.SHARING_REFUSED).exists()


def record_refusal(actor, case: Case) -> int:
    """Record the refusal; return how many coordinations were told (0 the second time)."""
    if not rules.can_edit_case(actor, case):
        raise NotAllowed(_("Only the referent organisation can record this."))
    token = keyring().mac(str(case.pk), "sharing-refused")
    code = case.referent_org.departement
    told = 0
    with transaction.atomic():
        if not already_recorded(case):
            event = add_event(case, actor, EventKind.SHARING_REFUSED)
            record(actor, Action.SHARING_REFUSED, case)
            _mark_refused(case, event.at)
            # What rested on the person's consent ends now (a legal basis stays).
            from parcours.cases.participants import end_all_on_consent

            end_all_on_consent(actor, case, reason="sharing_refused")
        elif case.sharing_refused_at is None:
            _mark_refused(case, timezone.now())
        for organisation in coordinations_for(case):
            notification = notify(
                "sharing_refused",
                organisation,
                params={"departement": f"{departement_name(code)} ({code})" if code else "—"},
                dedup_key=f"sharing_refused:{organisation.pk}:{token}",
            )
            told += notification is not None
    return told


def _mark_refused(case: Case, at) -> None:
    """The first refusal only; access changes at once, in this process too."""
    Case.objects.filter(pk=case.pk, sharing_refused_at__isnull=True).update(sharing_refused_at=at)
    case.refresh_from_db(fields=["sharing_refused_at"])
    rules.forget()
