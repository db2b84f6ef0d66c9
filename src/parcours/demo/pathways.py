"""The demo's pathways: scenarios S1, S2 and S6 played through referrals, refusals, consent and
its withdrawal (and, with ``conferences``, a case conference). Fictional, like everything in the
demo. Each part is found again by the fixed request token of its first referral, so loading
twice changes nothing, and a demo database made before these parts existed gets them added.
"""

import datetime
import uuid

from django.utils import timezone

from parcours.accounts.models import User
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import services as case_services
from parcours.cases.enums import ContactChannel, ParticipantRole, SharingBasis
from parcours.cases.models import Case
from parcours.core.actor import actor_for
from parcours.referrals import services
from parcours.referrals.models import Referral, ReferralTransition, Service
from parcours.rights import services as rights

NAMESPACE = uuid.UUID("0b7f3c52-9d0e-4a61-8c2b-5e6f7a8b9c0d")


def _token(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def _actor(username):
    return actor_for(User.objects.get(username=username))


def _service(orgs, key, kind) -> Service:
    return Service.objects.get(organisation=orgs[key], kind=kind)


def _backdate(referral: Referral, days_ago: float) -> None:
    """Move a demo referral's history back in time, so the pathway reads like weeks."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Referral.objects.filter(pk=referral.pk).update(
        created_at=when,
        sent_at=when,
        answered_at=when + datetime.timedelta(hours=5) if referral.answered_at else None,
    )
    for index, transition in enumerate(referral.transitions.order_by("pk")):
        ReferralTransition.objects.filter(pk=transition.pk).update(
            at=when + datetime.timedelta(hours=5 * index)
        )


def _consent(actor, case, organisation, purpose, days_ago, language="français"):
    return services.record_consent(
        actor,
        case,
        organisation,
        purpose=purpose,
        given_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        how="oral",
        language=language,
    )


def _send(actor, case, service, name, purpose, groups=("identity", "social"), **kwargs):
    return services.create_and_send(
        actor,
        case,
        service,
        purpose=purpose,
        shared_groups=list(groups),
        request_token=_token(name),
        **kwargs,
    )


def _refuse(actor, referral, code, text=""):
    referral.refresh_from_db()
    return services.refuse(actor, referral, code, text, referral.version)


def load(orgs, cases: dict) -> None:
    """``cases``: the scenario cases by name (S1, S2); S6 is created here."""
    if not Referral.objects.filter(request_token=_token("S1-ase")).exists():
        _s1(orgs, cases["S1"])
        _s1_conference(orgs, cases["S1"])
    if not Referral.objects.filter(request_token=_token("S2-prefecture")).exists():
        _s2(orgs, cases["S2"])
    if not Case.objects.filter(intake_token=_token("S6")).exists():
        _s6(orgs)


def _s1(orgs, case) -> None:
    """S1 steps 2, 3 and 5: child welfare refuses (not in an insertion pathway), the 115 has no
    place four times, the health fund refuses urgent processing; step 4's way out is asked."""
    camille = _actor("camille.asso33")
    claire = _actor("claire.ase33")
    yanis = _actor("yanis.siao33")
    paul = _actor("paul.cpam33")
    _consent(camille, case, orgs["ase33"], "Demande de contrat jeune majeur", 19, "bambara")
    _consent(camille, case, orgs["siao33"], "Mise à l'abri par le 115", 19, "bambara")
    _consent(camille, case, orgs["cpam33"], "Ouverture de droits en urgence", 19, "bambara")
    _consent(camille, case, orgs["ccas33"], "Domiciliation administrative", 3, "bambara")
    _consent(camille, case, orgs["ml33"], "Accompagnement vers l'emploi", 3, "bambara")
    ase = _send(
        camille,
        case,
        _service(orgs, "ase33", "child_welfare_young_adult"),
        "S1-ase",
        "Contrat jeune majeur : 18 ans et 2 mois, hébergé par l'exploitant.",
        urgency="urgent",
    )
    services.acknowledge(claire, ase)
    _refuse(claire, ase, "not_in_insertion_pathway")
    _backdate(ase, 18)
    for attempt, days_ago in enumerate((17, 12, 8, 4), start=1):
        call = _send(
            camille,
            case,
            _service(orgs, "siao33", "emergency_housing_115"),
            f"S1-115-{attempt}",
            "Mise à l'abri : dort chez le chef du réseau.",
            urgency="immediate",
        )
        _refuse(yanis, call, "no_place")
        _backdate(call, days_ago)
    cpam = _send(
        camille,
        case,
        _service(orgs, "cpam33", "health_insurance"),
        "S1-cpam",
        "Traitement en urgence de l'ouverture des droits.",
        urgency="urgent",
    )
    _refuse(paul, cpam, "criteria_not_met")
    _backdate(cpam, 10)
    domiciliation = _send(
        camille,
        case,
        _service(orgs, "ccas33", "domiciliation"),
        "S1-ccas",
        "Domiciliation pour sortir du blocage logement / contrat / droits / adresse.",
    )
    _backdate(domiciliation, 2)
    insertion = _send(
        camille,
        case,
        _service(orgs, "ml33", "insertion"),
        "S1-ml",
        "Contrat d'accompagnement, condition de l'hébergement proposé par le CCAS.",
    )
    _backdate(insertion, 2)
    # Step 4: the CCAS offers its hostel if a mission-locale contract is signed; the mission
    # locale asks for health cover, the fund for an address: the circle the rights page finds.
    _consent(camille, case, orgs["ccas33"], "Hébergement au foyer du CCAS", 2, "bambara")
    hostel = _send(
        camille,
        case,
        _service(orgs, "ccas33", "shelter"),
        "S1-ccas-foyer",
        "Foyer d'hébergement temporaire du CCAS, sous condition d'un contrat.",
    )
    _backdate(hostel, 2)
    for name in ("has_address", "has_housing", "has_health_cover", "has_employment_contract"):
        rights.record_fact(camille, case, name, False)
    rights.record_fact(camille, case, "has_resources", False)


def _s1_conference(orgs, case) -> None:
    """The territorial coordinator convenes the pathway on Adam's blocked situation; with his
    consent, it decides the way out of the housing / contract / cover / address cycle."""
    from parcours.conferences import services as conferences

    sophie = actor_for(User.objects.get(username="sophie.coord33"), orgs["coord33"])
    camille = _actor("camille.asso33")
    now = timezone.now()
    conference = conferences.convene(
        sophie,
        case,
        at=now - datetime.timedelta(days=1),
        convened_at=now - datetime.timedelta(days=4),
        place="Salle de réunion de la coordination (démo)",
        person_invited=True,
        agenda=[
            {"text": "Refus de l'ASE et appels au 115 sans place : que faire ?", "group": "social"},
            {"text": "Sortir du blocage logement / contrat / droits / adresse.", "group": "social"},
        ],
    )
    conferences.record_consent(
        camille,
        conference,
        given_on=timezone.localdate() - datetime.timedelta(days=3),
        how="oral",
        language="bambara",
        interpreter="Interprète fictif",
    )
    conferences.record_conference(
        sophie,
        conference,
        attended=[orgs["asso33"], orgs["ccas33"], orgs["siao33"], orgs["coord33"]],
        person_attended=True,
        decisions=[
            {
                "text": "Domicilier Adam au CCAS pour ouvrir ses droits.",
                "owner_org": orgs["ccas33"],
                "group": "social",
                "due_on": timezone.localdate() + datetime.timedelta(days=7),
            },
            {
                "text": "Proposer une mise à l'abri hors de Bordeaux dès qu'une place se libère.",
                "owner_org": orgs["siao33"],
                "group": "social",
                "due_on": timezone.localdate() + datetime.timedelta(days=3),
            },
        ],
    )


def _s2(orgs, case) -> None:
    """S2: the residence-permit desk is asked for the trafficking victims' permit."""
    lea = _actor("lea.asso06")
    anne = _actor("anne.pref06")
    _consent(lea, case, orgs["pref06"], "Demande de titre de séjour (victime)", 1, "arabe")
    permit = _send(
        lea,
        case,
        _service(orgs, "pref06", "residence_permit"),
        "S2-prefecture",
        "Titre de séjour pour victime de traite, après la plainte.",
        groups=("identity", "immigration"),
    )
    services.acknowledge(anne, permit)


def _s6(orgs) -> None:
    """S6: a man followed by an association and the police withdraws his consent to share
    with the police; the police saw the case before, the journal shows it, and from then on
    it sees nothing."""
    camille = _actor("camille.asso33")
    marc = _actor("marc.police33")
    now = timezone.now()
    case = case_services.open_case(
        camille,
        {
            "given_names": "Viktor",
            "family_name": "Lazarev",
            "birth_date": {"year": now.year - 41, "month": 9, "day": 2, "approximate": False},
            "sex": "M",
            "nationalities": ["Moldavie"],
            "languages": ["russe", "roumain"],
            "social_notes": "Travail forcé sur des chantiers ; logé par l'employeur.",
            "justice_notes": "Plainte envisagée, puis abandonnée par crainte de représailles.",
        },
        intake_token=_token("S6"),
        first_contact="Orienté par l'inspection du travail après un contrôle de chantier.",
        opened_at=now - datetime.timedelta(days=40),
    )
    consent = _consent(camille, case, orgs["police33"], "Enquête et audition", 38, "russe")
    case_services.add_participant(
        camille,
        case,
        organisation=orgs["police33"],
        role=ParticipantRole.INVESTIGATION,
        groups=["identity", "justice"],
        basis=SharingBasis.CONSENT,
        consent_date=consent.given_on,
        at=now - datetime.timedelta(days=38),
    )
    record(marc, Action.VIEW_CASE, case, groups=["identity", "justice"], related=case.person)
    case_services.log_contact(
        camille,
        case,
        channel=ContactChannel.MET,
        note="Ne veut plus que la police ait accès à son dossier.",
        at=now - datetime.timedelta(days=1),
    )
    services.withdraw_consent(camille, consent)
