"""The minutes of a held case conference, as a PDF in French (WeasyPrint).

Built for one reader: only the agenda points and decisions in the field groups the reader sees
on the case, never the person's name (the case reference stands for them), the consent's
language only for readers who see the identity group, no host shelter for readers who may not
know where the person sleeps. WeasyPrint fetches nothing: the style is in the template and every
URL is refused.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.access import rules
from parcours.access.redaction import CaseView
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.conferences import rules as conference_rules
from parcours.conferences.enums import ConferenceStatus
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.pdf import NoFetch, render_pdf  # noqa: F401 (the minutes' renderer)

TEMPLATE = "www/conferences/minutes_pdf.html"


def minutes_context(actor, conference) -> dict:
    """What the minutes show to ``actor``, from the redaction object only: the parts in the
    groups it sees, nothing else (``parcours.conferences.reading``)."""
    view = CaseView(actor, conference.case)
    organisation = getattr(actor, "organisation", None)
    return {
        "case": view.summary,
        "conference": view.conference(conference),
        "reader": organisation.name if organisation is not None else "",
        "printed_at": timezone.now(),
    }


def minutes_html(actor, conference) -> str:
    """The HTML the PDF is made from, in French whatever the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(TEMPLATE, minutes_context(actor, conference))


def minutes_filename(conference) -> str:
    day = timezone.localtime(conference.at).date().isoformat()
    return f"compte-rendu-{conference.case.ref}-{day}.pdf"


def minutes_for(actor, conference) -> tuple[str, bytes]:
    """The minutes of a held conference for ``actor``: (file name, PDF bytes). Journaled with
    the groups the reader received."""
    if not conference_rules.can_read_minutes(actor, conference):
        raise NotAllowed(_("You cannot read these minutes."))
    if conference.status != ConferenceStatus.HELD:
        raise DomainError(_("Minutes exist once the conference is recorded."))
    html = minutes_html(actor, conference)
    pdf = render_pdf(html)
    record(
        actor,
        Action.CONFERENCE_MINUTES,
        conference.case,
        groups=rules.groups_for(actor, conference.case),
        reason=f"conference:{conference.pk}",
    )
    return minutes_filename(conference), pdf
