"""Permission-matrix entries of the case-conference routes (merged into test_permission_matrix).

route name -> (method, kwargs kind, expected answer per persona); kinds start with "conference"
and are built by ``conference_url``: "conference" is a planned conference of the ``case``
fixture convened by its referent, "conference_held" one that was held (consent, attendance and
a decision recorded). Whoever sees the case sees its conferences (the police participant, the
host, the territorial coordinator); only the referent's caseworkers (or a coordinator of the
case) convene, record and cancel; only the referent records the person's consent. Everybody
else gets 404.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.personas import MATRIX_SIGNED_IN

LOGIN = "login-redirect"
SIGNED_IN = list(MATRIX_SIGNED_IN)
HOLDER = ("referent", "colleague")  # the caseworkers of the association holding the case
READERS = (*HOLDER, "participant", "territorial", "host")


def _only(status, *personas):
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, 404), **dict.fromkeys(personas, status)}


CONFERENCE_MATRIX = {
    "conference_new": ("get", "case", _only(200, *HOLDER, "territorial")),
    "conference_detail": ("get", "conference", _only(200, *READERS)),
    "conference_consent": ("get", "conference", _only(200, *HOLDER)),
    "conference_record": ("get", "conference", _only(200, *HOLDER, "territorial")),
    "conference_cancel": ("post", "conference", _only(400, *HOLDER, "territorial")),
    "conference_minutes": ("get", "conference_held", _only(200, *READERS)),
}


def make_conference(case, *, held=False):
    """A conference of ``case`` convened by its referent (held: in the past, with the person's
    consent, attendance and one justice decision for the case's police participant)."""
    from parcours.conferences import services
    from parcours.core.actor import actor_for

    actor = actor_for(case.referent_user)
    now = timezone.now()
    at = now - datetime.timedelta(hours=2) if held else now + datetime.timedelta(days=3)
    conference = services.convene(
        actor,
        case,
        at=at,
        place="Salle de réunion",
        agenda=[
            {"text": "Point sur l'hébergement", "group": "social"},
            {"text": "Suites de la plainte", "group": "justice"},
        ],
        convened_at=now - datetime.timedelta(days=1) if held else None,
    )
    if held:
        services.record_consent(
            actor,
            conference,
            given_on=timezone.localdate(),
            how="oral",
            language="soussou",
        )
        police = case.participants.get(active=True, role="investigation").organisation
        services.record_conference(
            actor,
            conference,
            attended=[case.referent_org, police],
            decisions=[
                {"text": "Accompagner à l'audition", "group": "justice", "owner_org": police}
            ],
        )
    return conference


def conference_url(name, kind, case):
    conference = case.conferences.first() or make_conference(case, held=kind == "conference_held")
    return reverse(name, kwargs={"ref": case.ref, "pk": conference.pk})
