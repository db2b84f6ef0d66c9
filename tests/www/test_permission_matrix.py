"""The permission matrix: every route, every persona, the answer each must get.

A new route without an entry here fails ``test_every_route_is_in_the_matrix``. Outsiders get 404
on every case and person URL, so nobody learns that a file exists.

Personas (``tests.personas``; the ``case`` fixture is held by the referent's association in
Gironde, the police participant sees identity and justice):

- ``referent``: caseworker of the holding association, designated for locations;
- ``colleague``: caseworker of the same association *not* designated for locations: the same
  pages as the referent (what the pages show of the location is tested elsewhere);
- ``participant``: investigator of the police unit taking part (identity, justice);
- ``host``: staff of the shelter facility that accepted the person (it takes part as the host:
  identity, location, social): it reads the case, logs contacts, adds notes and tasks;
- ``territorial``: coordinator of the territorial coordination of Gironde, the case's: reads
  the case (coordination groups), manages dangers, zones and placements, plans appointments,
  convenes and records conferences; never the referent's own acts (status, sharing, referrals);
- ``coordinator``: national coordinator, who does not coordinate this case without break-glass;
- ``statistician``: statistician *of the referent's own association*: only the role stops it,
  so it gets 404 on every case URL although its organisation holds the case;
- ``outsider``: caseworker of an association of the Rhône with nothing to do with the case;
- anonymous.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import sign_in
from tests.personas import MATRIX_SIGNED_IN
from tests.www.matrix_conferences import CONFERENCE_MATRIX, conference_url
from tests.www.matrix_facility import FACILITY_MATRIX, facility_url

LOGIN = "login-redirect"
PERSONAS = ["anonymous", *MATRIX_SIGNED_IN]
SIGNED_IN = PERSONAS[1:]
# The persona name -> the fixture that builds it, where they differ.
FIXTURES = {"statistician": "referent_statistician"}
HOLDER = ("referent", "colleague")  # the caseworkers of the association holding the case
READERS = (*HOLDER, "participant", "territorial", "host")  # who sees the case


def _everyone(status, anonymous=LOGIN):
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status)}


def _only(status, *personas):
    """``status`` for ``personas``, 404 for every other signed-in persona."""
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, 404), **dict.fromkeys(personas, status)}


def _referent_only(status, *also):
    """The holding association's caseworkers (and ``also``); 404 for everybody else."""
    return _only(status, *HOLDER, *also)


# route name -> (method, kwargs kind, expected answer per persona)
MATRIX = {
    "home": ("get", None, _everyone(302)),
    "health": ("get", None, _everyone(200, anonymous=200)),
    "set_language": ("post", None, _everyone(302, anonymous=302)),
    "logout_everywhere": ("post", None, _everyone(302)),
    "account": ("get", None, _everyone(200)),
    "switch_organisation": ("post", None, _everyone(302)),
    "my_cases": ("get", None, _everyone(200)),
    "my_tasks": ("get", None, _everyone(200)),
    "my_alerts": ("get", None, _everyone(200)),
    "alert_follow_up": ("post", None, _everyone(404)),
    # Caseworkers and managers of organisations that may hold cases (not the police unit's
    # investigator, not a coordination, not a facility, not a statistician).
    "case_open": ("get", None, _only(200, *HOLDER, "outsider")),
    "case_open_group": ("get", None, _only(200, *HOLDER, "outsider")),
    "directory": ("get", None, _everyone(200)),
    "break_glass": ("get", None, _only(200, "coordinator", "territorial")),
    "rights_catalogue": ("get", None, _only(200, "coordinator", "territorial")),
    "case_detail": ("get", "case", _only(200, *READERS)),
    "case_status": ("post", "case", _referent_only(400)),
    # Contacts, notes and tasks: also the host, which meets the person and sees the social group.
    "case_contact": ("post", "case", _referent_only(400, "host")),
    "case_note": ("post", "case", _referent_only(400, "host")),
    # The facts of the rights engine: the referent's caseworkers only (they see every group).
    "case_fact": ("post", "case", _referent_only(400)),
    # Letters about refusals: the referent's caseworkers only.
    "case_letter_new": ("post", "case", _referent_only(302)),
    # Identification: stages, the reflection period's information and the forms of exploitation
    # are the referent's and the police unit's taking part (its investigator hears the person);
    # a claim to be a minor and its decision are the referent's.
    "case_stage": ("post", "case", _referent_only(400, "participant")),
    "case_reflection_info": ("post", "case", _referent_only(400, "participant")),
    "case_exploitation": ("post", "case", _referent_only(302, "participant")),
    "case_minority": ("post", "case", _referent_only(400)),
    "case_rights_sheet": ("post", "case", _referent_only(302)),  # no language: back, a message
    # Indicator screenings: any front-line member of an organisation reading the case starts
    # one; a screening is read by the referent and the organisation that wrote it (the one built
    # is a draft of the referent's).
    "case_screenings": ("get", "case", _only(200, *HOLDER, "participant", "host")),
    "case_screening": ("get", "screening", _referent_only(200)),
    # Public reports: the page and its receipt are public; the triage is the territorial
    # coordinator's of the report's département (the report built is filed in Gironde).
    "report_new": ("get", None, _everyone(200, anonymous=200)),
    "report_receipt": ("get", "report_receipt", _everyone(200, anonymous=200)),
    "report_queue": ("get", None, _only(200, "territorial")),
    "report_detail": ("get", "report", _only(200, "territorial")),
    "report_open_case": ("post", "report", _only(400, "territorial")),
    "report_close": ("post", "report", _only(400, "territorial")),
    "case_letter": ("get", "letter", _referent_only(200)),
    "case_letter_pdf": ("get", "letter", _referent_only(200)),
    "case_letter_answer": ("post", "letter", _referent_only(400)),
    "case_appointment_add": ("post", "case", _referent_only(400, "territorial")),
    "case_task_add": ("post", "case", _referent_only(400, "host")),
    "case_task_done": ("post", "task", _referent_only(302)),  # the referent's own task
    "case_participant_add": ("get", "case", _referent_only(200)),
    "case_participant_end": ("post", "participant", _referent_only(302)),
    # Hand-over: the one built is proposed to the outsider's association, which may read and
    # answer it (an empty answer: 400) but sees nothing else of the case.
    # Safe shelter: dangers, zones and placements are the referent's and the case's
    # coordinators' (the territorial one); the national coordinator persona does not coordinate
    # this case; the host has no safety group.
    "case_risk": ("get", "case", _referent_only(200, "territorial")),
    "case_zone_add": ("get", "case", _referent_only(200, "territorial")),
    "case_zone_remove": ("post", "zone", _referent_only(302, "territorial")),
    "case_placement_new": ("get", "case", _referent_only(200, "territorial")),
    "placement_request": ("get", "placement_request", _referent_only(200, "territorial")),
    "placement_propose": ("post", "placement_request", _referent_only(400, "territorial")),
    "placement_by_hand": ("post", "placement_request", _referent_only(400, "territorial")),
    "placement_cancel": ("post", "placement", _referent_only(302, "territorial")),
    # A place entered by hand: no facility answers it, the referent's side records the arrival.
    "placement_arrival": ("post", "placement", _referent_only(302, "territorial")),
    "batch_allocation": ("get", None, _only(200, "coordinator", "territorial")),
    "case_handover": ("get", "case", _referent_only(200)),
    "case_sharing_refused": ("post", "case", _referent_only(302)),
    "handover_detail": ("get", "handover", _referent_only(200, "outsider")),
    "handover_answer": ("post", "handover", _only(400, "outsider")),
    "handover_cancel": ("post", "handover", _referent_only(302)),
    # Referrals: the "referral" is addressed to the participant persona's police unit, whose
    # investigator may read it (the unit takes part in the case) but not answer (caseworkers and
    # managers only); the sender's caseworkers (referent) may withdraw it. It is a legal-aid
    # referral (the justice domain): readers of the case without the justice group (the
    # territorial coordinator, the host) do not read it.
    "case_referral_new": ("get", "case", _referent_only(200)),
    "case_consent_add": ("get", "case", _referent_only(200)),
    "case_consent_withdraw": ("post", "consent", _referent_only(302)),
    "referral_inbox": ("get", None, _everyone(200)),
    "referral_detail": ("get", "referral", _only(200, *HOLDER, "participant")),
    "referral_answer": ("post", "referral", _everyone(404)),
    "referral_withdraw": ("post", "referral", _referent_only(302)),
    # What the service asks for first (the rights engine's blocked pathways): the referent's.
    "referral_requirement": ("post", "referral", _referent_only(302)),
    "referral_requirement_remove": ("post", "referral", _referent_only(302)),
    # Notifications: the one built is for the referent's organisation (its statistician too:
    # the notification carries the case's reference only).
    "notifications": ("get", None, _everyone(200)),
    "notification_read_all": ("post", None, _everyone(302)),
    "notification_open": ("post", "notification", _referent_only(302, "statistician")),
    "person_detail": ("get", "person", _only(200, *READERS)),
    # The organisation's members and who may see where people sleep: its manager's only (no
    # persona here is a manager: the manager's own answers are in tests/accounts/
    # test_designation.py). The membership is one of the referent's association.
    "organisation_members": ("get", None, _everyone(404)),
    "organisation_member_location": ("post", "membership", _everyone(404)),
}

# (route, persona) -> why the app's answer differs from the expected one: a defect, reported;
# the expectation stays what the app should answer (strict: passes once the defect is fixed).
DEFECTS: dict[tuple[str, str], str] = {
    # None open. Fixed: ("handover_detail", "statistician") — a statistician of either
    # organisation read the hand-over's reason (cases.handover.can_view, issue 10).
}


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


# Sign-in and second factors (django-allauth): only about one's own account, never a case.
# Signed in, "reauth" means "confirm your password first" (allauth's recent-authentication rule).
REAUTH = "reauth"
OWN_ACCOUNT = {
    "account_login": ("get", None, {**_everyone(302), "anonymous": 200}),
    "account_logout": ("post", None, _everyone(302, anonymous=302)),
    "account_inactive": ("get", None, _everyone(200, anonymous=200)),
    "account_reauthenticate": ("get", None, _everyone(200)),
    "account_change_password": ("get", None, _everyone(200)),
    "mfa_index": ("get", None, _everyone(200)),
    "mfa_authenticate": ("get", None, _everyone(302, anonymous=302)),
    "mfa_reauthenticate": ("get", None, _everyone(302)),
    "mfa_activate_totp": ("get", None, _everyone(REAUTH)),
    "mfa_deactivate_totp": ("get", None, _everyone(404)),  # no TOTP to deactivate
    "mfa_view_recovery_codes": ("get", None, _everyone(404)),  # none generated yet
    "mfa_generate_recovery_codes": ("get", None, _everyone(REAUTH)),
    "mfa_download_recovery_codes": ("get", None, _everyone(404)),
    "mfa_list_webauthn": ("get", None, _everyone(200)),
    "mfa_add_webauthn": ("get", None, _everyone(REAUTH)),
    "mfa_reauthenticate_webauthn": ("get", None, _everyone(302)),
    "mfa_remove_webauthn": ("get", "authenticator", _everyone(REAUTH)),
    "mfa_edit_webauthn": ("get", "authenticator", _everyone(REAUTH)),
}
MATRIX.update(OWN_ACCOUNT)
MATRIX.update(CONFERENCE_MATRIX)
MATRIX.update(FACILITY_MATRIX)


def test_every_route_is_in_the_matrix():
    # The admin's routes have their own matrix walking all of them (tests/security/test_admin.py)
    routes = {r for r in _route_names(get_resolver().url_patterns) if not r.startswith("admin:")}
    assert routes - set(MATRIX) == set(), "add the new routes to the permission matrix"
    assert set(MATRIX) - routes == set(), "the matrix names routes that no longer exist"


def _make_task(case):
    from parcours.cases import tasks
    from parcours.core.actor import actor_for

    actor = actor_for(case.referent_user)
    return tasks.add_task(actor, case, title="Prendre rendez-vous", owner_org=case.referent_org)


def _shelter_url(name, kind, case):
    import datetime

    from parcours.core.actor import actor_for
    from parcours.shelter import placement, zones

    actor = actor_for(case.referent_user)
    if kind == "zone":
        zone = zones.add_zone(
            actor, case, kind="departement", reason="exploitation", departement="33"
        )
        return reverse(name, kwargs={"ref": case.ref, "pk": zone.pk})
    request = placement.create_request(actor, case, sex="F", consent_date=datetime.date.today())
    if kind == "placement_request":
        return reverse(name, kwargs={"ref": case.ref, "pk": request.pk})
    zones.assess(actor, case, dangers=[], level="medium")  # no place before the assessment
    proposed = placement.propose_by_hand(actor, request, name="Hôtel (115)", departement="35")
    return reverse(name, kwargs={"ref": case.ref, "pk": proposed.pk})


def _url(name, kind, case):
    if kind and kind.startswith("conference"):
        return conference_url(name, kind, case)
    if kind and kind.startswith("facility"):
        return facility_url(name, kind, case)
    if kind == "case":
        return reverse(name, kwargs={"ref": case.ref})
    if kind == "person":
        return reverse(name, kwargs={"ref": case.person.ref})
    if kind == "task":
        task = case.tasks.first() or _make_task(case)
        return reverse(name, kwargs={"ref": case.ref, "pk": task.pk})
    if kind == "authenticator":
        return reverse(name, kwargs={"pk": 999})
    if kind in ("report", "report_receipt"):
        from tests.reporting import report_url

        return report_url(name, kind)
    if kind == "screening":
        from parcours.core.actor import actor_for
        from parcours.identification import screening

        found = case.screenings.first() or screening.start(actor_for(case.referent_user), case)
        return reverse(name, kwargs={"ref": case.ref, "pk": found.pk})
    if kind == "participant":
        participant = case.participants.get(active=True, role="investigation")  # the police
        return reverse(name, kwargs={"ref": case.ref, "pk": participant.pk})
    if kind == "referral":
        return reverse(name, kwargs={"ref": case.referrals.get().ref})
    if kind in ("zone", "placement_request", "placement"):
        return _shelter_url(name, kind, case)
    if kind == "handover":
        from parcours.accounts.models import Organisation
        from parcours.cases import handover
        from parcours.core.actor import actor_for

        proposal = handover.pending(case) or handover.propose(
            actor_for(case.referent_user),
            case,
            to_org=Organisation.objects.get(departement="69"),
            reason="Déménagement dans le Rhône",
            basis="legal",
            legal_basis="casf_l121_6_2",
        )
        return reverse(name, kwargs={"pk": proposal.pk})
    if kind == "notification":
        from parcours.cases.notices import tell_referent

        notification = tell_referent(case, "contact_lost", {"days": 30})
        return reverse(name, kwargs={"pk": notification.pk})
    if kind == "membership":
        membership = case.referent_org.memberships.filter(active=True).first()
        return reverse(name, kwargs={"pk": membership.pk})
    if kind == "letter":
        from django.utils import timezone

        from parcours.rights.models import Letter

        letter = case.letters.first() or Letter.objects.create(
            case=case,
            kind="refusal",
            recipient=case.participants.get(active=True, role="investigation").organisation,
            body="<p>Courrier fictif</p>",
            created_at=timezone.now(),
            created_by=case.referent_user,
        )
        return reverse(name, kwargs={"ref": case.ref, "pk": letter.pk})
    if kind == "consent":
        consent = case.consents.get()
        return reverse(name, kwargs={"ref": case.ref, "pk": consent.pk})
    return reverse(name)


def _matrix_params():
    for route in sorted(MATRIX):
        for persona in PERSONAS:
            reason = DEFECTS.get((route, persona))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(route, persona, marks=marks, id=f"{route}-{persona}")


@pytest.mark.parametrize(("route", "persona"), list(_matrix_params()))
def test_matrix(route, persona, client, case, request):
    method, kind, expected = MATRIX[route]
    if kind in ("referral", "consent"):
        request.getfixturevalue("matrix_referral")
    if kind == "handover":
        request.getfixturevalue("outsider")  # the organisation asked to take the case over
    if persona != "anonymous":
        who = request.getfixturevalue(FIXTURES.get(persona, persona))
        if persona == "host":  # its facility accepted the person: it takes part as the host
            from tests.shelter.conftest import host_the_person

            host_the_person(request.getfixturevalue("referent"), case, who)
        sign_in(client, who)
    url = _url(route, kind, case)
    response = getattr(client, method)(url)
    wanted = expected[persona]
    if "text/html" in response.get("Content-Type", ""):
        csp = response["Content-Security-Policy"]  # every HTML answer, errors included
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    if wanted == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif wanted == REAUTH:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
    else:
        assert response.status_code == wanted, f"{persona} {method.upper()} {url}"


def test_every_persona_has_an_answer_for_every_route():
    for route, (_method, _kind, expected) in MATRIX.items():
        assert set(expected) == set(PERSONAS), route


@pytest.mark.parametrize("kind", ["case", "person"])
def test_outsider_gets_404_for_unknown_and_existing_alike(kind, client, case, outsider):
    """Same answer for a file that exists and one that does not: no hint either way."""
    sign_in(client, outsider)
    existing = _url("case_detail" if kind == "case" else "person_detail", kind, case)
    fake = existing.replace(case.ref if kind == "case" else case.person.ref, "C-0000-00")
    assert client.get(existing).status_code == 404
    assert client.get(fake).status_code == 404
