"""The permission matrix: every route, every persona, the answer each must get.

A new route without an entry here fails ``test_every_route_is_in_the_matrix``. Outsiders get 404
on every case and person URL, so nobody learns that a file exists.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import sign_in
from tests.www.matrix_conferences import CONFERENCE_MATRIX, conference_url
from tests.www.matrix_facility import FACILITY_MATRIX, facility_url

LOGIN = "login-redirect"
PERSONAS = ["anonymous", "referent", "participant", "outsider", "coordinator"]


def _everyone(status, anonymous=LOGIN):
    return {"anonymous": anonymous, **{p: status for p in PERSONAS[1:]}}


def _referent_only(status):
    return {"anonymous": LOGIN, **{p: 404 for p in PERSONAS[1:]}, "referent": status}


# route name -> (method, kwargs kind, expected answer per persona)
MATRIX = {
    "home": ("get", None, _everyone(302)),
    "health": ("get", None, _everyone(200, anonymous=200)),
    "set_language": ("post", None, _everyone(302, anonymous=302)),
    "logout_everywhere": ("post", None, _everyone(302)),
    "account": ("get", None, _everyone(200)),
    "switch_organisation": ("post", None, _everyone(302)),
    "my_cases": ("get", None, _everyone(200)),
    "case_open": (
        "get",
        None,
        {
            "anonymous": LOGIN,
            "referent": 200,
            "participant": 404,
            "outsider": 200,
            "coordinator": 404,
        },
    ),
    "directory": ("get", None, _everyone(200)),
    "break_glass": (
        "get",
        None,
        {
            "anonymous": LOGIN,
            "referent": 404,
            "participant": 404,
            "outsider": 404,
            "coordinator": 200,
        },
    ),
    "case_detail": (
        "get",
        "case",
        {
            "anonymous": LOGIN,
            "referent": 200,
            "participant": 200,
            "outsider": 404,
            "coordinator": 404,
        },
    ),
    "case_status": ("post", "case", _referent_only(400)),
    "case_contact": ("post", "case", _referent_only(400)),
    "case_note": ("post", "case", _referent_only(400)),
    "case_appointment_add": ("post", "case", _referent_only(400)),
    "case_task_add": ("post", "case", _referent_only(400)),
    "case_task_done": ("post", "task", _referent_only(302)),
    "case_participant_add": ("get", "case", _referent_only(200)),
    "case_participant_end": ("post", "participant", _referent_only(302)),
    # Hand-over: the one built is proposed to the outsider's association, which may read and
    # answer it (an empty answer: 400) but sees nothing else of the case.
    # Safe shelter: dangers, zones and placements are the referent's (and the case's
    # coordinators'); the national coordinator persona does not coordinate this case.
    "case_risk": ("get", "case", _referent_only(200)),
    "case_zone_add": ("get", "case", _referent_only(200)),
    "case_zone_remove": ("post", "zone", _referent_only(302)),
    "case_placement_new": ("get", "case", _referent_only(200)),
    "placement_request": ("get", "placement_request", _referent_only(200)),
    "placement_propose": ("post", "placement_request", _referent_only(400)),
    "placement_by_hand": ("post", "placement_request", _referent_only(400)),
    "placement_cancel": ("post", "placement", _referent_only(302)),
    "placement_arrival": ("post", "placement", _referent_only(302)),
    "batch_allocation": (
        "get",
        None,
        {**_everyone(404), "anonymous": LOGIN, "coordinator": 200},
    ),
    "case_handover": ("get", "case", _referent_only(200)),
    "case_sharing_refused": ("post", "case", _referent_only(302)),
    "handover_detail": (
        "get",
        "handover",
        {**_referent_only(200), "outsider": 200},
    ),
    "handover_answer": ("post", "handover", {**_everyone(404), "outsider": 400}),
    "handover_cancel": ("post", "handover", _referent_only(302)),
    # Referrals: the "referral" is addressed to the participant persona's police unit, whose
    # investigator may read it (the unit takes part in the case) but not answer (caseworkers and
    # managers only); the sender's caseworker (referent) may withdraw it.
    "case_referral_new": ("get", "case", _referent_only(200)),
    "case_consent_add": ("get", "case", _referent_only(200)),
    "case_consent_withdraw": ("post", "consent", _referent_only(302)),
    "referral_inbox": ("get", None, _everyone(200)),
    "referral_detail": (
        "get",
        "referral",
        {
            "anonymous": LOGIN,
            "referent": 200,
            "participant": 200,
            "outsider": 404,
            "coordinator": 404,
        },
    ),
    "referral_answer": ("post", "referral", _everyone(404)),
    "referral_withdraw": ("post", "referral", _referent_only(302)),
    # Notifications: the one built is for the referent's organisation.
    "notifications": ("get", None, _everyone(200)),
    "notification_read_all": ("post", None, _everyone(302)),
    "notification_open": ("post", "notification", _referent_only(302)),
    "person_detail": (
        "get",
        "person",
        {
            "anonymous": LOGIN,
            "referent": 200,
            "participant": 200,
            "outsider": 404,
            "coordinator": 404,
        },
    ),
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
    if kind == "participant":
        participant = case.participants.get(active=True)
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
    if kind == "consent":
        consent = case.consents.get()
        return reverse(name, kwargs={"ref": case.ref, "pk": consent.pk})
    return reverse(name)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_matrix(route, persona, client, case, request):
    method, kind, expected = MATRIX[route]
    if kind in ("referral", "consent"):
        request.getfixturevalue("matrix_referral")
    if kind == "handover":
        request.getfixturevalue("outsider")  # the organisation asked to take the case over
    if persona != "anonymous":
        sign_in(client, request.getfixturevalue(persona))
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


@pytest.mark.parametrize("kind", ["case", "person"])
def test_outsider_gets_404_for_unknown_and_existing_alike(kind, client, case, outsider):
    """Same answer for a file that exists and one that does not: no hint either way."""
    sign_in(client, outsider)
    existing = _url("case_detail" if kind == "case" else "person_detail", kind, case)
    fake = existing.replace(case.ref if kind == "case" else case.person.ref, "C-0000-00")
    assert client.get(existing).status_code == 404
    assert client.get(fake).status_code == 404
