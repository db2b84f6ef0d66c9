"""The demo's national shelter network (fictional): at least 60 facilities in more than 30
départements, with their availability, and scenarios S2 (danger zones) and S4 (twelve workers
from a farm) ready to play. Deterministic (seeded), idempotent."""

import datetime
import random
import uuid

from django.utils import timezone

from parcours.accounts.models import Organisation, User
from parcours.cases import services
from parcours.cases.models import Case
from parcours.core.actor import actor_for
from parcours.core.geography import departement_point, departements
from parcours.core.roles import OrganisationKind
from parcours.shelter import placement, zones
from parcours.shelter.models import Facility, PlacementRequest

NAMESPACE = uuid.UUID("5d1e8a3f-7b2c-4e90-a1f6-3c8d9e0b7a24")
# Départements with facilities (the demo's own shelter organisations keep theirs: 69, 35).
DEPARTEMENTS = [
    "02", "06", "13", "14", "17", "21", "25", "29", "31", "33", "34", "35", "37", "38", "42",
    "44", "45", "49", "51", "54", "57", "59", "63", "64", "67", "69", "75", "76", "80", "86",
    "87", "93", "974",
]  # fmt: skip
KINDS = ["chrs", "emergency", "acse_partner", "hotel_115", "chrs", "acse_partner"]
NAMES = ["Les Tilleuls", "Le Phare", "La Boussole", "L'Escale", "Les Glycines", "Le Relais"]
LANGUAGES = ["anglais", "arabe", "roumain", "russe", "espagnol", "portugais", "bambara"]


def _token(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def load(orgs) -> None:
    if not Facility.objects.exists():
        _facilities(orgs)
    if not PlacementRequest.objects.filter(operation="Ferme 47 (démo)").exists():
        _s4(orgs)
    _s1_s2_dangers()


def _facilities(orgs) -> None:
    rng = random.Random(2026)  # noqa: S311  (fictional demo data, not secrets)
    now = timezone.now()
    known = departements()
    for index, code in enumerate(DEPARTEMENTS):
        if code == "69":
            organisation = orgs["chrs69"]
        elif code == "35":
            organisation = orgs["chrs35"]
        else:
            organisation, _ = Organisation.objects.get_or_create(
                name=f"Hébergement {known[code]} (démo)",
                departement=code,
                defaults={"kind": OrganisationKind.SHELTER_FACILITY, "city": known[code]},
            )
        lat, lon = departement_point(code)
        for n in range(2):
            kind = KINDS[(index + n) % len(KINDS)]
            capacity = rng.choice([6, 10, 15, 24, 40])
            age_hours = rng.choice([1, 3, 8, 20, 30, 60, 120])
            women_only = (index + n) % 4 == 0
            men_only = (index + n) % 7 == 3
            Facility.objects.create(
                organisation=organisation,
                name=f"{NAMES[(index + n) % len(NAMES)]} — {known[code]} (démo)",
                kind=kind,
                address=f"{rng.randint(1, 90)} rue imaginaire, {known[code]}",
                departement=code,
                lat=round(lat + rng.uniform(-0.08, 0.08), 2),
                lon=round(lon + rng.uniform(-0.08, 0.08), 2),
                capacity=capacity,
                free=min(capacity, rng.choice([0, 0, 1, 1, 2, 3, 4])),
                availability_at=now - datetime.timedelta(hours=age_hours),
                accepts_women=not men_only,
                accepts_men=not women_only,
                accepts_minors=kind == "minors",
                families=n == 1 and kind == "chrs",
                pets=index % 9 == 0,
                languages=rng.sample(LANGUAGES, 2),
                security_level=3 if kind == "acse_partner" else rng.choice([1, 2]),
            )
    # A few specialised places for minors (far from the big cities' networks).
    for code in ("15", "48", "23"):
        organisation, _ = Organisation.objects.get_or_create(
            name=f"Protection des mineurs {known[code]} (démo)",
            departement=code,
            defaults={"kind": OrganisationKind.SHELTER_FACILITY, "city": known[code]},
        )
        lat, lon = departement_point(code)
        Facility.objects.create(
            organisation=organisation,
            name=f"Lieu éloigné protecteur — {known[code]} (démo)",
            kind="minors",
            address=f"Lieu-dit imaginaire, {known[code]}",
            departement=code,
            lat=round(lat, 2),
            lon=round(lon, 2),
            capacity=6,
            free=1,
            availability_at=now - datetime.timedelta(hours=5),
            accepts_minors=True,
            accepts_adults=False,
            languages=["anglais"],
            security_level=3,
        )


def _s1_s2_dangers() -> None:
    """S1: housed by the exploiter (critical); S2: the town, its département and the Rhône."""
    from parcours.demo.data import _token as scenario_token

    s1 = Case.objects.filter(intake_token=scenario_token("S1")).first()
    if s1 is not None and not s1.risk_assessments.exists():
        camille = actor_for(User.objects.get(username="camille.asso33"))
        zones.assess(
            camille,
            s1,
            dangers=["housed_by_exploiter", "debt"],
            level="high",
            note="Dort chez le chef du réseau (fictif).",
        )
        zones.add_zone(camille, s1, kind="departement", reason="exploitation", departement="33")
    s2 = Case.objects.filter(intake_token=scenario_token("S2")).first()
    if s2 is not None and not s2.danger_zones.exists():
        lea = actor_for(User.objects.get(username="lea.asso06"))
        zones.assess(lea, s2, dangers=["exploiters_know_location"], level="critical")
        zones.add_zone(
            lea, s2, kind="town", reason="exploitation", departement="06", town="Grasse",
            lat=43.6589, lon=6.9237, radius_km=20,
        )  # fmt: skip
        zones.add_zone(lea, s2, kind="departement", reason="exploitation", departement="06")
        zones.add_zone(lea, s2, kind="departement", reason="relatives", departement="69")
        placement.create_request(
            lea,
            s2,
            sex="F",
            languages=["arabe", "français"],
            consent_date=timezone.localdate(),
            priority=3,
        )


def _s4(orgs) -> None:
    """Twelve men found on a farm in Lot-et-Garonne: twelve cases, one operation tag, twelve
    requests waiting for the territorial coordinator's batch allocation."""
    worker = actor_for(User.objects.get(username="remi.asso47"))
    for n in range(1, 13):
        case = services.open_case(
            worker,
            {
                "given_names": f"Travailleur {n}",
                "family_name": "Ferme-démo",
                "sex": "M",
                "nationalities": ["Roumanie" if n % 2 else "Maroc"],
                "languages": ["roumain" if n % 2 else "arabe"],
            },
            intake_token=_token(f"S4-{n}"),
            first_contact="Contrôle de l'inspection du travail sur une exploitation agricole.",
        )
        zones.add_zone(worker, case, kind="departement", reason="exploitation", departement="47")
        placement.create_request(
            worker,
            case,
            sex="M",
            languages=["roumain" if n % 2 else "arabe"],
            consent_date=timezone.localdate(),
            priority=3 if n <= 3 else 2,
            operation="Ferme 47 (démo)",
        )
