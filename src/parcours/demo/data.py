"""Fictional demo data: organisations in five départements, an account per role, and the
scenarios S1, S2, S3 and S6 of SCENARIOS.md at the stage the code supports (the referrals,
refusals, conference and consent withdrawal are in ``demo.pathways``).

Every name, place and story here is invented. Loading is idempotent: organisations and users are
found by name, and each scenario case by a fixed intake token, so running it twice changes
nothing.
"""

import datetime
import uuid

from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership, Organisation, User
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import lifecycle, services
from parcours.cases.enums import (
    CaseStatus,
    ContactChannel,
    LegalBasis,
    ParticipantRole,
    SharingBasis,
)
from parcours.cases.models import Case
from parcours.core.actor import actor_for
from parcours.core.groups import FieldGroup as G
from parcours.core.roles import OrganisationKind as K
from parcours.core.roles import Role as R
from parcours.demo import network, pathways

DEMO_PASSWORD = "demo-Parcours-2026!"  # noqa: S105  (fictional demo accounts only)
# The TOTP secret of every demo account (base 32), printed by `parcours demo` so that anyone can
# add it to an authenticator app. Demo only: real accounts enrol their own factor.
DEMO_TOTP_SECRET = "PARCOURSDEMOTOTPSECRETXY"  # noqa: S105
NAMESPACE = uuid.UUID("6f1c2d0e-3a5b-4c7d-9e8f-0a1b2c3d4e5f")

ORGANISATIONS = [
    # (key, name, kind, département, city)
    ("asso33", "Association Horizon Solidarité", K.ASSOCIATION, "33", "Bordeaux"),
    ("siao33", "SIAO 115 de Gironde (démo)", K.SIAO, "33", "Bordeaux"),
    ("ase33", "Aide sociale à l'enfance — Gironde (démo)", K.CHILD_WELFARE, "33", "Bordeaux"),
    ("ccas33", "CCAS de Bordeaux (démo)", K.CCAS, "33", "Bordeaux"),
    ("ml33", "Mission locale Bordeaux Rive Droite (démo)", K.MISSION_LOCALE, "33", "Bordeaux"),
    ("cpam33", "CPAM de la Gironde (démo)", K.HEALTH_INSURANCE, "33", "Bordeaux"),
    ("police33", "Commissariat de Bordeaux — groupe TEH (démo)", K.POLICE, "33", "Bordeaux"),
    ("pref33", "Préfecture de la Gironde — séjour (démo)", K.PREFECTURE, "33", "Bordeaux"),
    (
        "coord33",
        "Coordination territoriale TEH Gironde (démo)",
        K.TERRITORIAL_COORDINATOR,
        "33",
        "Bordeaux",
    ),
    ("asso06", "Association Le Phare des Collines", K.ASSOCIATION, "06", "Grasse"),
    ("siao06", "SIAO 115 des Alpes-Maritimes (démo)", K.SIAO, "06", "Nice"),
    ("gend06", "Brigade de gendarmerie de Grasse (démo)", K.GENDARMERIE, "06", "Grasse"),
    ("pref06", "Préfecture des Alpes-Maritimes — séjour (démo)", K.PREFECTURE, "06", "Nice"),
    (
        "coord06",
        "Coordination territoriale TEH Alpes-Maritimes (démo)",
        K.TERRITORIAL_COORDINATOR,
        "06",
        "Nice",
    ),
    ("asso75", "Association Maraude Aurore Nord", K.ASSOCIATION, "75", "Paris"),
    ("ase75", "Aide sociale à l'enfance — Paris (démo)", K.CHILD_WELFARE, "75", "Paris"),
    ("police75", "Brigade de protection des mineurs (démo)", K.POLICE, "75", "Paris"),
    ("asso69", "Association Relais Confluence", K.ASSOCIATION, "69", "Lyon"),
    ("chrs69", "CHRS Les Tilleuls (démo)", K.SHELTER_FACILITY, "69", "Lyon"),
    ("siao69", "SIAO 115 du Rhône (démo)", K.SIAO, "69", "Lyon"),
    ("chrs35", "Centre d'hébergement La Boussole (démo)", K.SHELTER_FACILITY, "35", "Rennes"),
    ("it47", "Inspection du travail — Lot-et-Garonne (démo)", K.LABOUR_INSPECTORATE, "47", "Agen"),
    ("asso47", "Association Garonne Accueil (démo)", K.ASSOCIATION, "47", "Agen"),
    (
        "coord47",
        "Coordination territoriale TEH Lot-et-Garonne (démo)",
        K.TERRITORIAL_COORDINATOR,
        "47",
        "Agen",
    ),
    ("national", "Coordination nationale Parcours (démo)", K.NATIONAL_COORDINATOR, "", "Paris"),
    # The prosecutor for minors of each demo département: a minor's route (issue 13).
    ("parquet33", "Parquet de Bordeaux — mineurs (démo)", K.PROSECUTOR, "33", "Bordeaux"),
    ("parquet06", "Parquet de Grasse — mineurs (démo)", K.PROSECUTOR, "06", "Grasse"),
    ("parquet75", "Parquet de Paris — mineurs (démo)", K.PROSECUTOR, "75", "Paris"),
    ("parquet69", "Parquet de Lyon — mineurs (démo)", K.PROSECUTOR, "69", "Lyon"),
    ("parquet35", "Parquet de Rennes — mineurs (démo)", K.PROSECUTOR, "35", "Rennes"),
    ("parquet47", "Parquet d'Agen — mineurs (démo)", K.PROSECUTOR, "47", "Agen"),
    # The services the legal ways out need, in every demo département (WAYS_OUT below). No
    # organisation kind fits a hospital, a legal-aid desk or OFII: they are "association" here.
    ("hop33", "Centre hospitalier Les Acacias — Bordeaux (démo)", K.ASSOCIATION, "33", "Bordeaux"),
    ("droit33", "Permanence Droits Devant Gironde (démo)", K.ASSOCIATION, "33", "Bordeaux"),
    ("ccas06", "CCAS de Grasse (démo)", K.CCAS, "06", "Grasse"),
    ("hop06", "Centre hospitalier Les Oliviers — Grasse (démo)", K.ASSOCIATION, "06", "Grasse"),
    ("droit06", "Permanence Droits Devant Alpes-Maritimes (démo)", K.ASSOCIATION, "06", "Nice"),
    ("ase06", "Aide sociale à l'enfance — Alpes-Maritimes (démo)", K.CHILD_WELFARE, "06", "Nice"),
    ("cpam06", "CPAM des Alpes-Maritimes (démo)", K.HEALTH_INSURANCE, "06", "Nice"),
    ("ml06", "Mission locale des Collines (démo)", K.MISSION_LOCALE, "06", "Grasse"),
    ("siao75", "SIAO 115 de Paris (démo)", K.SIAO, "75", "Paris"),
    ("ccas75", "CCAS de Paris — domiciliation (démo)", K.CCAS, "75", "Paris"),
    ("hop75", "Hôpital Les Marronniers — Paris (démo)", K.ASSOCIATION, "75", "Paris"),
    ("droit75", "Permanence Droits Devant Paris (démo)", K.ASSOCIATION, "75", "Paris"),
    (
        "pol75",
        "Commissariat central de Paris — accueil des victimes (démo)",
        K.POLICE,
        "75",
        "Paris",
    ),
    ("cpam75", "CPAM de Paris (démo)", K.HEALTH_INSURANCE, "75", "Paris"),
    ("ml75", "Mission locale Paris Canal (démo)", K.MISSION_LOCALE, "75", "Paris"),
    ("ccas69", "CCAS de Lyon (démo)", K.CCAS, "69", "Lyon"),
    ("hop69", "Centre hospitalier Les Platanes — Lyon (démo)", K.ASSOCIATION, "69", "Lyon"),
    ("droit69", "Permanence Droits Devant Rhône (démo)", K.ASSOCIATION, "69", "Lyon"),
    ("ase69", "Aide sociale à l'enfance — Rhône (démo)", K.CHILD_WELFARE, "69", "Lyon"),
    ("police69", "Commissariat de Lyon — accueil des victimes (démo)", K.POLICE, "69", "Lyon"),
    ("cpam69", "CPAM du Rhône (démo)", K.HEALTH_INSURANCE, "69", "Lyon"),
    ("ml69", "Mission locale Saône-Rhône (démo)", K.MISSION_LOCALE, "69", "Lyon"),
    ("siao35", "SIAO 115 d'Ille-et-Vilaine (démo)", K.SIAO, "35", "Rennes"),
    ("ccas35", "CCAS de Rennes (démo)", K.CCAS, "35", "Rennes"),
    ("hop35", "Centre hospitalier Les Hortensias — Rennes (démo)", K.ASSOCIATION, "35", "Rennes"),
    ("droit35", "Permanence Droits Devant Ille-et-Vilaine (démo)", K.ASSOCIATION, "35", "Rennes"),
    ("ase35", "Aide sociale à l'enfance — Ille-et-Vilaine (démo)", K.CHILD_WELFARE, "35", "Rennes"),
    ("police35", "Commissariat de Rennes — accueil des victimes (démo)", K.POLICE, "35", "Rennes"),
    ("cpam35", "CPAM d'Ille-et-Vilaine (démo)", K.HEALTH_INSURANCE, "35", "Rennes"),
    ("ml35", "Mission locale des Deux Rives (démo)", K.MISSION_LOCALE, "35", "Rennes"),
    ("siao47", "SIAO 115 de Lot-et-Garonne (démo)", K.SIAO, "47", "Agen"),
    ("ccas47", "CCAS d'Agen (démo)", K.CCAS, "47", "Agen"),
    ("hop47", "Centre hospitalier Les Peupliers — Agen (démo)", K.ASSOCIATION, "47", "Agen"),
    ("droit47", "Permanence Droits Devant Lot-et-Garonne (démo)", K.ASSOCIATION, "47", "Agen"),
    ("ase47", "Aide sociale à l'enfance — Lot-et-Garonne (démo)", K.CHILD_WELFARE, "47", "Agen"),
    ("gend47", "Brigade de gendarmerie de Marmande (démo)", K.GENDARMERIE, "47", "Marmande"),
    ("cpam47", "CPAM de Lot-et-Garonne (démo)", K.HEALTH_INSURANCE, "47", "Agen"),
    ("ml47", "Mission locale des Vergers (démo)", K.MISSION_LOCALE, "47", "Agen"),
    ("acse", "Dispositif national Ac.Sé — coordination (démo)", K.ASSOCIATION, "06", "Nice"),
    ("ofii", "OFII — allocation des victimes (démo)", K.ASSOCIATION, "75", "Paris"),
]

ACCOUNTS = [
    # (username, first name, last name, organisation key, role)
    ("camille.asso33", "Camille", "Roux", "asso33", R.CASEWORKER),
    ("nadia.asso33", "Nadia", "Benali", "asso33", R.MANAGER),
    ("yanis.siao33", "Yanis", "Morel", "siao33", R.CASEWORKER),
    ("claire.ase33", "Claire", "Fabre", "ase33", R.CASEWORKER),
    ("hugo.ccas33", "Hugo", "Lemaire", "ccas33", R.CASEWORKER),
    ("ines.ml33", "Inès", "Garnier", "ml33", R.CASEWORKER),
    ("paul.cpam33", "Paul", "Chevalier", "cpam33", R.CASEWORKER),
    ("marc.police33", "Marc", "Perrin", "police33", R.INVESTIGATOR),
    ("sophie.coord33", "Sophie", "Marchand", "coord33", R.COORDINATOR),
    ("lea.asso06", "Léa", "Fontaine", "asso06", R.CASEWORKER),
    ("chloe.asso06", "Chloé", "Masson", "asso06", R.MANAGER),
    ("omar.siao06", "Omar", "Haddad", "siao06", R.CASEWORKER),
    ("julien.gend06", "Julien", "Bertrand", "gend06", R.INVESTIGATOR),
    ("anne.pref06", "Anne", "Mercier", "pref06", R.CASEWORKER),
    ("marie.coord06", "Marie", "Aubert", "coord06", R.COORDINATOR),
    ("lucas.asso75", "Lucas", "Girard", "asso75", R.CASEWORKER),
    ("emma.ase75", "Emma", "Lopez", "ase75", R.CASEWORKER),
    ("thomas.police75", "Thomas", "Muller", "police75", R.INVESTIGATOR),
    ("sarah.asso69", "Sarah", "Nguyen", "asso69", R.CASEWORKER),
    ("karim.chrs69", "Karim", "Blanc", "chrs69", R.FACILITY_STAFF),
    ("jeanne.chrs35", "Jeanne", "Colin", "chrs35", R.FACILITY_STAFF),
    # A labour inspector opens the pathway of the people an inspection finds (one intake for
    # all of them): his inspectorate holds their cases until it hands them over.
    ("eric.it47", "Éric", "Dupuis", "it47", R.CASEWORKER),
    ("remi.asso47", "Rémi", "Vidal", "asso47", R.CASEWORKER),
    ("ambre.coord47", "Ambre", "Leroy", "coord47", R.COORDINATOR),
    ("alice.national", "Alice", "Renaud", "national", R.COORDINATOR),
    ("victor.national", "Victor", "Simon", "national", R.STATISTICIAN),
]


SERVICES = [
    # (organisation key, kind, name, territory, who it accepts, what it asks for in its own
    # words, what it asks for as requirement codes)
    (
        "siao33",
        "emergency_housing_115",
        "115 — mise à l'abri",
        ["33"],
        "Toute personne sans abri",
        "",
        [],
    ),
    (
        "ase33",
        "child_welfare_young_adult",
        "Contrat jeune majeur",
        ["33"],
        "18-21 ans",
        "Dossier ASE",
        [],
    ),
    (
        "ccas33",
        "domiciliation",
        "Domiciliation administrative",
        ["33"],
        "Sans domicile stable",
        "",
        [],
    ),
    (
        "ml33",
        "insertion",
        "Accompagnement vers l'emploi",
        ["33"],
        "16-25 ans",
        "Pièce d'identité",
        ["identity_document", "health_cover"],
    ),
    (
        "cpam33",
        "health_insurance",
        "Ouverture de droits",
        ["33"],
        "Tout public",
        "Adresse",
        ["address", "identity_document"],
    ),
    (
        "chrs69",
        "shelter",
        "Places sécurisées (partenaire)",
        [],
        "Femmes seules",
        "Accord",
        [],
    ),
    (
        "chrs35",
        "shelter",
        "Places d'urgence éloignées",
        [],
        "Adultes, hommes et femmes",
        "",
        [],
    ),
    (
        "pref06",
        "residence_permit",
        "Titres de séjour L425-1",
        ["06"],
        "Victimes de TEH",
        "Plainte",
        ["complaint_filed", "address"],
    ),
    ("asso75", "social_support", "Accompagnement des mineurs", ["75"], "Mineurs", "", []),
    # The CCAS hostel of Bordeaux asks for a contract: one link of the chain housing -> contract
    # -> health cover -> address -> housing that the rights engine breaks with a domiciliation.
    (
        "ccas33",
        "shelter",
        "Foyer d'hébergement temporaire",
        ["33"],
        "Adultes en insertion",
        "Contrat de travail ou de formation",
        ["employment_contract"],
    ),
    # National services (no territory): they serve every département.
    (
        "acse",
        "acse",
        "Ac.Sé — accueil sécurisant loin du danger",
        [],
        "Personnes majeures victimes de traite, en danger sur place, qui acceptent l'éloignement",
        "L'accord de la personne",
        [],
    ),
    (
        "ofii",
        "ofii_allowance",
        "Allocation pour demandeur d'asile (ADA) — victimes",
        [],
        "Titulaires de la carte de séjour « victime », 18 ans et plus, ressources sous le RSA",
        "Carte de séjour et pièce d'identité",
        ["residence_permit", "identity_document"],
    ),
]

# The services the legal ways out need, in every demo département: kind -> organisation key.
WAYS_OUT = {
    "33": {
        "domiciliation": "ccas33",
        "health_access_pass": "hop33",
        "legal_aid": "droit33",
        "child_protection": "ase33",
        "complaint": "police33",
        "health_insurance": "cpam33",
        "insertion": "ml33",
        "emergency_housing_115": "siao33",
        "prosecutor_minors": "parquet33",
    },
    "06": {
        "domiciliation": "ccas06",
        "health_access_pass": "hop06",
        "legal_aid": "droit06",
        "child_protection": "ase06",
        "complaint": "gend06",
        "health_insurance": "cpam06",
        "insertion": "ml06",
        "emergency_housing_115": "siao06",
        "prosecutor_minors": "parquet06",
    },
    "75": {
        "domiciliation": "ccas75",
        "health_access_pass": "hop75",
        "legal_aid": "droit75",
        "child_protection": "ase75",
        "complaint": "pol75",
        "health_insurance": "cpam75",
        "insertion": "ml75",
        "emergency_housing_115": "siao75",
        "prosecutor_minors": "parquet75",
    },
    "69": {
        "domiciliation": "ccas69",
        "health_access_pass": "hop69",
        "legal_aid": "droit69",
        "child_protection": "ase69",
        "complaint": "police69",
        "health_insurance": "cpam69",
        "insertion": "ml69",
        "emergency_housing_115": "siao69",
        "prosecutor_minors": "parquet69",
    },
    "35": {
        "domiciliation": "ccas35",
        "health_access_pass": "hop35",
        "legal_aid": "droit35",
        "child_protection": "ase35",
        "complaint": "police35",
        "health_insurance": "cpam35",
        "insertion": "ml35",
        "emergency_housing_115": "siao35",
        "prosecutor_minors": "parquet35",
    },
    "47": {
        "domiciliation": "ccas47",
        "health_access_pass": "hop47",
        "legal_aid": "droit47",
        "child_protection": "ase47",
        "complaint": "gend47",
        "health_insurance": "cpam47",
        "insertion": "ml47",
        "emergency_housing_115": "siao47",
        "prosecutor_minors": "parquet47",
    },
}
# kind -> (name, who it accepts, what it asks for in its words, as codes), as such a service
# states it: the domiciliation, the PASS, legal aid, child protection, the complaint desk and
# the 115 ask for nothing; health insurance for an address; the mission locale for health cover.
WAY_OUT_SERVICE = {
    "domiciliation": ("Domiciliation administrative", "Sans domicile stable", "", []),
    "health_access_pass": (
        "PASS — permanence d'accès aux soins de santé",
        "Toute personne sans couverture santé",
        "",
        [],
    ),
    "legal_aid": ("Accès au droit et aide juridictionnelle", "Tout public", "", []),
    "child_protection": ("Recueil et protection des mineurs", "Mineurs en danger", "", []),
    "prosecutor_minors": ("Signalement d'un mineur en danger", "Mineurs en danger", "", []),
    "complaint": ("Dépôt de plainte — victimes de traite", "Toute victime", "", []),
    "health_insurance": (
        "Ouverture de droits",
        "Tout public",
        "Adresse",
        ["address", "identity_document"],
    ),
    "insertion": (
        "Accompagnement vers l'emploi",
        "16-25 ans",
        "Pièce d'identité, couverture santé",
        ["identity_document", "health_cover"],
    ),
    "emergency_housing_115": ("115 — mise à l'abri", "Toute personne sans abri", "", []),
}


def all_services() -> list[tuple]:
    """SERVICES, then the ways-out services of every département an organisation does not
    already offer in SERVICES (one service per organisation and kind)."""
    rows = list(SERVICES)
    offered = {(key, kind) for key, kind, *_rest in SERVICES}
    for dep, keys in WAYS_OUT.items():
        for kind, key in keys.items():
            if (key, kind) not in offered:
                name, accepts, requirements, required = WAY_OUT_SERVICE[kind]
                rows.append((key, kind, name, [dep], accepts, requirements, required))
    return rows


def _services(orgs) -> None:
    """Create the missing services; give the existing ones their requirement codes. Every row
    is checked first: an unknown kind or requirement code stops the load with its message."""
    from django.core.exceptions import ValidationError

    from parcours.referrals.enums import ServiceKind
    from parcours.referrals.models import Service, validate_requirements

    rows = all_services()
    for _key, kind, name, _territory, _accepts, _requirements, required in rows:
        if kind not in ServiceKind.values:
            raise ValidationError(f"{name}: unknown kind of service {kind!r}")
        validate_requirements(required)
    for key, kind, name, territory, accepts, requirements, required in rows:
        service, created = Service.objects.get_or_create(
            organisation=orgs[key],
            kind=kind,
            name=name,
            defaults={
                "territory": territory,
                "accepts": accepts,
                "requirements": requirements,
                "required": required,
                "contact_route": f"contact@{key}.demo.invalid",
            },
        )
        if not created and service.required != required:
            service.required = required
            service.save(update_fields=["required"])


def _birth(years: int, months: int, today: datetime.date) -> dict:
    month = today.month - months
    year = today.year - years
    while month < 1:
        month += 12
        year -= 1
    return {"year": year, "month": month, "day": min(today.day, 28), "approximate": False}


@transaction.atomic
def load() -> dict:
    """Create what is missing; return the organisations by key."""
    orgs = {}
    for key, name, kind, dep, city in ORGANISATIONS:
        orgs[key], _ = Organisation.objects.get_or_create(
            name=name,
            departement=dep,
            defaults={"kind": kind, "city": city, "public_contact": f"contact@{key}.demo.invalid"},
        )
    for username, first, last, org_key, role in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.invalid"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            TOTP.activate(user, DEMO_TOTP_SECRET)
        Membership.objects.get_or_create(
            user=user, organisation=orgs[org_key], role=role, active=True
        )
    # The association's manager is the one designated to see where people sleep (she signs in
    # with a security key); her caseworkers see every other group.
    Membership.objects.filter(
        user__username="nadia.asso33", organisation=orgs["asso33"], active=True
    ).update(may_reveal_location=True)
    # A coordinator who also works for an association: shows the organisation switch.
    sophie = User.objects.get(username="sophie.coord33")
    Membership.objects.get_or_create(
        user=sophie, organisation=orgs["asso33"], role=R.MANAGER, active=True
    )
    _services(orgs)
    _scenarios(orgs)
    cases = {name: Case.objects.get(intake_token=_token(name)) for name in ("S1", "S2")}
    pathways.load(orgs, cases)
    network.load(orgs)
    return orgs


def _token(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def _scenarios(orgs) -> None:
    today = timezone.localdate()
    now = timezone.now()
    if Case.objects.filter(intake_token=_token("S1")).exists():
        return
    record(None, Action.DEMO_LOAD)

    # S1 — a young adult refused everywhere (Bordeaux).
    camille = actor_for(User.objects.get(username="camille.asso33"))
    s1 = services.open_case(
        camille,
        {
            "given_names": "Adam",
            "family_name": "Keita",
            "aliases": ["Adama"],
            "birth_date": _birth(18, 2, today),
            "sex": "M",
            "nationalities": ["Mali"],
            "languages": ["bambara", "français"],
            "phone": "06 00 00 01 01",
            "location_now": "Dort chez le chef du réseau qui l'a recruté (quartier de la gare).",
            "safety_notes": "Hébergement contrôlé par l'exploitant : danger critique.",
            "social_notes": "Refus de l'ASE (contrat jeune majeur) ; appels au 115 sans place.",
        },
        intake_token=_token("S1"),
        first_contact="Venu à la permanence de l'association, orienté par un autre jeune.",
        opened_at=now - datetime.timedelta(days=21),
    )
    services.add_participant(
        camille,
        s1,
        organisation=orgs["ccas33"],
        role=ParticipantRole.INSERTION,
        groups=[G.IDENTITY, G.SOCIAL],
        basis=SharingBasis.CONSENT,
        consent_date=today - datetime.timedelta(days=20),
        at=now - datetime.timedelta(days=20),
    )
    services.add_participant(
        camille,
        s1,
        organisation=orgs["siao33"],
        role=ParticipantRole.SUPPORT,
        groups=[G.IDENTITY, G.SOCIAL],
        basis=SharingBasis.CONSENT,
        consent_date=today - datetime.timedelta(days=20),
        at=now - datetime.timedelta(days=20),
    )
    for days, channel, note in [
        (20, ContactChannel.MET, "Entretien à la permanence."),
        (14, ContactChannel.PHONE, "Toujours sans place au 115."),
        (6, ContactChannel.NO_ANSWER, ""),
    ]:
        services.log_contact(
            camille, s1, channel=channel, note=note, at=now - datetime.timedelta(days=days)
        )

    # S2 — escaping domestic slavery in a medium-sized town (Grasse).
    lea = actor_for(User.objects.get(username="lea.asso06"))
    s2 = services.open_case(
        lea,
        {
            "given_names": "Salma",
            "family_name": "Benhaddou",
            "birth_date": {"year": today.year - 27, "month": 3, "day": 14, "approximate": False},
            "sex": "F",
            "nationalities": ["Maroc"],
            "languages": ["arabe", "français"],
            "phone": "07 00 00 02 02",
            "location_now": "Mise à l'abri provisoire chez une bénévole.",
            "safety_notes": "Zones de danger : Grasse, Alpes-Maritimes, et le Rhône où vit la "
            "famille des exploitants.",
            "justice_notes": "Audition possible par la gendarmerie sous deux jours.",
            "social_notes": "Servitude domestique pendant quatre ans ; sans papiers ni ressources.",
        },
        intake_token=_token("S2"),
        first_contact="Accueillie à l'association après avoir quitté la famille.",
        opened_at=now - datetime.timedelta(days=2),
    )
    services.add_participant(
        lea,
        s2,
        organisation=orgs["gend06"],
        role=ParticipantRole.INVESTIGATION,
        groups=[G.IDENTITY, G.JUSTICE],
        basis=SharingBasis.CONSENT,
        consent_date=today - datetime.timedelta(days=1),
        at=now - datetime.timedelta(days=1),
    )
    services.log_contact(
        lea,
        s2,
        channel=ContactChannel.MET,
        at=now - datetime.timedelta(days=1),
        note="Préparation de l'audition.",
    )

    # S3 — a girl of 16 (Paris), shared under child-protection law, not adult consent.
    lucas = actor_for(User.objects.get(username="lucas.asso75"))
    s3 = services.open_case(
        lucas,
        {
            "given_names": "Joy",
            "family_name": "Okafor",
            "birth_date": {
                "year": today.year - 16,
                "month": None,
                "day": None,
                "approximate": True,
            },
            "sex": "F",
            "nationalities": ["Nigeria"],
            "languages": ["anglais", "pidgin"],
            "location_now": "Mise à l'abri en urgence par l'équipe de maraude.",
            "safety_notes": "Réseau actif à Paris et à Lyon.",
            "social_notes": "Mineure, exploitée pour la prostitution.",
        },
        intake_token=_token("S3"),
        first_contact="Rencontrée par l'équipe de maraude.",
        opened_at=now - datetime.timedelta(days=1),
    )
    services.add_participant(
        lucas,
        s3,
        organisation=orgs["ase75"],
        role=ParticipantRole.CHILD_PROTECTION,
        # Not the location: Lucas is not designated to reveal it, so he cannot share it.
        groups=[G.IDENTITY, G.SAFETY, G.SOCIAL, G.HEALTH],
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.CHILD_PROTECTION,
        at=now - datetime.timedelta(hours=20),
    )
    services.add_participant(
        lucas,
        s3,
        organisation=orgs["police75"],
        role=ParticipantRole.INVESTIGATION,
        groups=[G.IDENTITY, G.JUSTICE, G.SAFETY],
        basis=SharingBasis.LEGAL,
        legal_basis=LegalBasis.CHILD_PROTECTION,
        at=now - datetime.timedelta(hours=20),
    )
    lifecycle.move(s3, CaseStatus.IN_SAFETY, lucas, reason="Mise à l'abri par l'ASE.")
