"""The synthetic country: organisations of every kind in every département, the services they
offer, shelter facilities, and users of every role with their memberships.

Built once per database (``ensure``): organisations are found again by name, so a second run
(or a resumed one) reuses them. Names are invented ("Association Horizon — Ain
(synthétique)"); users have no usable password (nobody signs in as them; a demo account is
``parcours demo``'s business) and e-mail addresses under ``.invalid``.
"""

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership, Organisation, User
from parcours.core.communes import communes
from parcours.core.geography import departement_point, departements
from parcours.core.roles import OrganisationKind as K
from parcours.core.roles import Role as R
from parcours.demo.seed.names import professional_name
from parcours.referrals.enums import ServiceKind as S
from parcours.referrals.models import Service

SUFFIX = "(synthétique)"
EMAIL_DOMAIN = "seed.invalid"
USERNAME_PREFIX = "seed."

# kind -> (how many per département, name patterns, roles of its members with how many each)
ORG_KINDS: dict[str, tuple[int, tuple[str, ...], tuple[tuple[str, int], ...]]] = {
    K.ASSOCIATION: (
        3,
        ("Association Horizon", "Association Le Relais", "Association Passerelle"),
        ((R.CASEWORKER, 3), (R.MANAGER, 1)),
    ),
    K.SIAO: (1, ("SIAO 115",), ((R.CASEWORKER, 2),)),
    K.CHILD_WELFARE: (1, ("Aide sociale à l'enfance",), ((R.CASEWORKER, 2), (R.MANAGER, 1))),
    K.POLICE: (1, ("Commissariat — groupe TEH",), ((R.INVESTIGATOR, 2),)),
    K.GENDARMERIE: (1, ("Brigade de gendarmerie",), ((R.INVESTIGATOR, 2),)),
    K.PREFECTURE: (1, ("Préfecture — séjour",), ((R.CASEWORKER, 1),)),
    K.CCAS: (1, ("CCAS",), ((R.CASEWORKER, 1),)),
    K.MISSION_LOCALE: (1, ("Mission locale",), ((R.CASEWORKER, 1),)),
    K.HEALTH_INSURANCE: (1, ("CPAM",), ((R.CASEWORKER, 1),)),
    K.LABOUR_INSPECTORATE: (1, ("Inspection du travail",), ((R.CASEWORKER, 1),)),
    K.PROSECUTOR: (1, ("Parquet — mineurs",), ((R.INVESTIGATOR, 1),)),
    K.SHELTER_FACILITY: (
        2,
        ("Centre d'hébergement Les Tilleuls", "CHRS La Boussole"),
        ((R.FACILITY_STAFF, 2), (R.MANAGER, 1)),
    ),
    K.TERRITORIAL_COORDINATOR: (
        1,
        ("Coordination territoriale TEH",),
        ((R.COORDINATOR, 1), (R.STATISTICIAN, 1)),
    ),
}
NATIONAL = ("Coordination nationale Parcours", ((R.COORDINATOR, 2), (R.STATISTICIAN, 1)))

# kind of organisation -> the services it offers (kind, name, who it accepts)
SERVICES: dict[str, tuple[tuple[str, str, str], ...]] = {
    K.ASSOCIATION: (
        (S.SOCIAL_SUPPORT, "Accompagnement social", "Victimes de traite"),
        (S.LEGAL_AID, "Accès au droit", "Tout public"),
    ),
    K.SIAO: ((S.EMERGENCY_HOUSING_115, "115 — mise à l'abri", "Toute personne sans abri"),),
    K.CHILD_WELFARE: (
        (S.CHILD_PROTECTION, "Recueil et protection des mineurs", "Mineurs en danger"),
        (S.CHILD_WELFARE_YOUNG_ADULT, "Contrat jeune majeur", "18-21 ans"),
    ),
    K.POLICE: ((S.COMPLAINT, "Dépôt de plainte — victimes de traite", "Toute victime"),),
    K.GENDARMERIE: ((S.COMPLAINT, "Dépôt de plainte — victimes de traite", "Toute victime"),),
    K.PREFECTURE: ((S.RESIDENCE_PERMIT, "Titres de séjour L425-1", "Victimes de TEH"),),
    K.CCAS: ((S.DOMICILIATION, "Domiciliation administrative", "Sans domicile stable"),),
    K.MISSION_LOCALE: ((S.INSERTION, "Accompagnement vers l'emploi", "16-25 ans"),),
    K.HEALTH_INSURANCE: ((S.HEALTH_INSURANCE, "Ouverture de droits", "Tout public"),),
    K.PROSECUTOR: ((S.PROSECUTOR_MINORS, "Signalement d'un mineur en danger", "Mineurs"),),
    K.SHELTER_FACILITY: ((S.SHELTER, "Places sécurisées", "Adultes"),),
}


@dataclass
class Country:
    """What the people generator draws from: organisations by département and kind, their
    members by role, the services by département; all with their database ids."""

    departements: list[str]
    weights: list[int]  # population of each département, to spread the people
    orgs: dict[str, dict[str, list[Organisation]]] = field(default_factory=dict)
    members: dict[int, dict[str, list[User]]] = field(default_factory=dict)
    services: dict[str, list[Service]] = field(default_factory=dict)
    facilities: list = field(default_factory=list)  # shelter facilities, with their organisation
    national: Organisation | None = None

    @cached_property
    def cum_weights(self) -> list[int]:
        return list(itertools.accumulate(self.weights))

    @cached_property
    def orgs_by_id(self) -> dict[int, Organisation]:
        orgs = [o for by_kind in self.orgs.values() for kind in by_kind.values() for o in kind]
        return {o.pk: o for o in [*orgs, *([self.national] if self.national else [])]}

    @cached_property
    def users_by_id(self) -> dict[int, User]:
        by_role = [users for roles in self.members.values() for users in roles.values()]
        return {user.pk: user for users in by_role for user in users}

    def of_kind(self, dep: str, kind: str) -> list[Organisation]:
        return self.orgs.get(dep, {}).get(kind, [])

    def member(self, rng: random.Random, org: Organisation, *roles: str) -> User | None:
        by_role = self.members.get(org.pk, {})
        for role in roles or tuple(by_role):
            if by_role.get(role):
                return rng.choice(by_role[role])
        return None


def org_name(pattern: str, dep: str) -> str:
    return f"{pattern} — {departements()[dep]} {SUFFIX}"


def _cities() -> dict[str, tuple[str, float, float]]:
    """The most populous commune of each département, and each département's population."""
    best: dict[str, tuple[str, float, float]] = {}
    top: dict[str, int] = {}
    for commune in communes().values():
        if commune.population > top.get(commune.departement, -1):
            top[commune.departement] = commune.population
            best[commune.departement] = (commune.name, commune.lat, commune.lon)
    return best


def _populations() -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for commune in communes().values():
        totals[commune.departement] += commune.population
    return totals


def wanted_organisations(deps) -> list[Organisation]:
    cities = _cities()
    rows = [
        Organisation(
            name=f"{NATIONAL[0]} {SUFFIX}",
            kind=K.NATIONAL_COORDINATOR,
            departement="",
            city="Paris",
            public_contact=f"national@{EMAIL_DOMAIN}",
        )
    ]
    for dep in deps:
        city = cities.get(dep, (departements()[dep], 0, 0))[0]
        for kind, (count, patterns, _roles) in ORG_KINDS.items():
            for pattern in patterns[:count]:
                rows.append(
                    Organisation(
                        name=org_name(pattern, dep),
                        kind=kind,
                        departement=dep,
                        city=city,
                        public_contact=f"contact.{kind}.{dep}@{EMAIL_DOMAIN}",
                    )
                )
    return rows


def _roles_of(org: Organisation):
    if org.kind == K.NATIONAL_COORDINATOR:
        return NATIONAL[1]
    return ORG_KINDS[org.kind][2]


@transaction.atomic
def ensure(deps=None) -> Country:
    """Create what is missing of the country (organisations, services, facilities, users and
    memberships) for ``deps`` (default: every département), and return it."""
    deps = sorted(deps or departements())
    wanted = wanted_organisations(deps)
    existing = {
        (o.name, o.departement): o
        for o in Organisation.objects.filter(name__endswith=SUFFIX, departement__in=[*deps, ""])
    }
    missing = [o for o in wanted if (o.name, o.departement) not in existing]
    Organisation.objects.bulk_create(missing, batch_size=1000)
    orgs = list(
        Organisation.objects.filter(name__endswith=SUFFIX, departement__in=[*deps, ""]).order_by(
            "departement", "kind", "name"
        )
    )
    created_ids = {o.pk for o in orgs if (o.name, o.departement) not in existing}
    new = [o for o in orgs if o.pk in created_ids]
    if new:
        _services(new)
        _facilities([o for o in new if o.kind == K.SHELTER_FACILITY])
        _people_of(new)
    return load(deps)


def _services(orgs) -> None:
    rows = []
    for org in orgs:
        for kind, name, accepts in SERVICES.get(org.kind, ()):
            rows.append(
                Service(
                    organisation=org,
                    kind=kind,
                    name=name,
                    territory=[org.departement],
                    accepts=accepts,
                    contact_route=f"{kind}.{org.departement}@{EMAIL_DOMAIN}",
                )
            )
    Service.objects.bulk_create(rows, batch_size=1000)


def _facilities(orgs) -> None:
    from parcours.shelter.enums import FacilityKind
    from parcours.shelter.models import Facility

    rows = []
    for org in orgs:
        rng = random.Random(f"facility:{org.name}")  # noqa: S311 (fictional data)
        lat, lon = departement_point(org.departement)
        capacity = rng.randint(6, 40)
        rows.append(
            Facility(
                organisation=org,
                name=org.name,
                kind=rng.choice([FacilityKind.CHRS, FacilityKind.EMERGENCY]),
                address=f"{rng.randint(1, 90)} rue des Tilleuls, {org.city}",
                departement=org.departement,
                lat=round(lat + rng.uniform(-0.1, 0.1), 2),
                lon=round(lon + rng.uniform(-0.1, 0.1), 2),
                capacity=capacity,
                free=rng.randint(0, capacity // 4),
                availability_at=timezone.now(),
                accepts_women=True,
                accepts_men=rng.random() < 0.6,
                languages=["français", "anglais"],
                security_level=rng.randint(0, 3),
            )
        )
    Facility.objects.bulk_create(rows, batch_size=1000)


def _people_of(orgs) -> None:
    """Users with no usable password, one membership each, for every role of each org."""
    unusable = make_password(None)
    users, roles = [], []
    for org in orgs:
        rng = random.Random(f"members:{org.name}:{org.departement}")  # noqa: S311
        for role, count in _roles_of(org):
            for number in range(1, count + 1):
                first, last = professional_name(rng)
                username = f"{USERNAME_PREFIX}{org.pk}.{role}.{number}"
                users.append(
                    User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        email=f"{username}@{EMAIL_DOMAIN}",
                        password=unusable,
                    )
                )
                roles.append((org, role))
    User.objects.bulk_create(users, batch_size=1000)
    by_name = dict(
        User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=by_name[user.username],
                organisation=org,
                role=role,
                # The associations' managers may reveal where people sleep (designated).
                may_reveal_location=role == R.MANAGER and org.kind in (K.ASSOCIATION,),
            )
            for user, (org, role) in zip(users, roles, strict=True)
        ],
        batch_size=1000,
    )


def load(deps) -> Country:
    """The country as it is in the database, for ``deps``."""
    populations = _populations()
    country = Country(departements=list(deps), weights=[populations.get(d, 1) for d in deps])
    orgs = Organisation.objects.filter(name__endswith=SUFFIX, departement__in=[*deps, ""]).order_by(
        "departement", "kind", "name", "pk"
    )
    for org in orgs:
        if org.kind == K.NATIONAL_COORDINATOR:
            country.national = org
            continue
        country.orgs.setdefault(org.departement, {}).setdefault(org.kind, []).append(org)
    memberships = (
        Membership.objects.filter(organisation__in=orgs, active=True)
        .select_related("user")
        .order_by("organisation_id", "role", "user__username")
    )
    for m in memberships:
        country.members.setdefault(m.organisation_id, {}).setdefault(m.role, []).append(m.user)
    services = Service.objects.filter(organisation__in=orgs, active=True).select_related(
        "organisation"
    )
    for service in services.order_by("organisation_id", "kind", "pk"):
        country.services.setdefault(service.organisation.departement, []).append(service)
    from parcours.shelter.models import Facility

    country.facilities = list(
        Facility.objects.filter(organisation__in=orgs, active=True)
        .select_related("organisation")
        .order_by("departement", "name", "pk")
    )
    return country
