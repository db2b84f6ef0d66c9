"""One case with every section filled, and a sentinel string per field group in every field of
that group: the material of the page-wide redaction tests (issue 9, "Where she sleeps stays
secret").

``build_full_case()`` builds it through the domain services (the ORM only where no service
exists: organisations, a facility of the network, a service of the directory, e-mail
addresses). ``built_once(django_db_blocker)`` builds it once for a whole test module inside a
transaction rolled back at the end; each test still runs in its own savepoint (pytest-django's
``db``), so what a test posts is undone before the next one::

    @pytest.fixture(scope="module")
    def full(django_db_setup, django_db_blocker):
        with built_once(django_db_blocker) as built:
            yield built

Sentinels: ``SENTINEL[group]`` is the prefix of every value of that group ("SENTINEL-HEALTH-
NOTE", ...). Where the person sleeps is told by more than the location fields: the host
facility (its organisation "Centre SENTINEL-HOST" in "SENTINEL-HOSTTOWN", its facility and
address, its staff "Hôte SENTINEL-HOSTSTAFF"), the recipient of the shelter referral ("Foyer
SENTINEL-SHELTERREF") and the place entered by hand ("SENTINEL-HANDPLACE 12 rue des Lilas"):
``LOCATION_MARKERS`` lists them all. Matching is case-insensitive (the placement request keeps
the person's languages in lower case).

Organisations named with a group's sentinel say that group by themselves: the prefecture
(immigration), the health insurance (health). Fields deliberately left neutral, because their
audience is wider than their group by design: the appointment's purpose and place (its
attendees see both: they have to be there), the conferences' place, the break-glass reason.

Personas (``VISIBLE``: the groups each may see): the referent's caseworker designated for
locations and one who is not (same association), the host facility's staff, a gendarmerie
investigator (identity, justice), SIAO and CCAS caseworkers (identity, social), the territorial
coordinator of the Gironde, a national coordinator without and one with a break-glass grant, a
statistician, an outsider association (Rhône), anonymous. The host's participation, written on
acceptance, shares identity, location and social (health is within its role's cap, not shared).
"""

import contextlib
import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from parcours.access import breakglass
from parcours.audit.enums import Action
from parcours.audit.journal import record
from parcours.cases import appointments, handover, services, tasks
from parcours.cases.enums import ContactChannel, ParticipantRole
from parcours.conferences import services as conferences
from parcours.core.actor import actor_for
from parcours.core.groups import FieldGroup
from parcours.core.roles import OrganisationKind
from parcours.referrals import services as referrals
from parcours.referrals.enums import ServiceKind
from parcours.shelter import placement, zones
from tests import personas as built
from tests.factories import FacilityFactory, OrganisationFactory, ServiceFactory
from tests.personas import join_case

GROUPS = list(FieldGroup.values)
SENTINEL = {group: f"SENTINEL-{group.upper()}" for group in GROUPS}

HOST_ORG = "Centre SENTINEL-HOST"
HOST_TOWN = "SENTINEL-HOSTTOWN"
HOST_FACILITY = "Maison SENTINEL-HOST-FACILITY"
HOST_ADDRESS = f"4 allée SENTINEL-HOST-ADDRESS, {HOST_TOWN}"
HOST_STAFF = "SENTINEL-HOSTSTAFF"  # the host staff member's family name
SHELTER_RECIPIENT = "Foyer SENTINEL-SHELTERREF"
HAND_PLACE = "SENTINEL-HANDPLACE 12 rue des Lilas"
# Everything that tells where the person sleeps (the location group's audience only).
LOCATION_MARKERS = (
    SENTINEL["location"],
    "SENTINEL-HOST",  # the host's organisation, town, facility, address and staff
    "SENTINEL-SHELTERREF",
    "SENTINEL-HANDPLACE",
)

PERSON = {
    "family_name": "SENTINEL-IDENTITY-FAMILY",
    "given_names": "SENTINEL-IDENTITY-GIVEN",
    "aliases": ["SENTINEL-IDENTITY-ALIAS"],
    "birth_date": {"year": 1998, "month": 3, "day": 1, "approximate": False},
    "sex": "F",
    "nationalities": ["SENTINEL-IDENTITY-NATIONALITY"],
    "languages": ["SENTINEL-IDENTITY-LANGUAGE"],
    "phone": "SENTINEL-IDENTITY-PHONE 06 98 76 54 32",
    "location_now": "SENTINEL-LOCATION-NOW, chambre 3",
    "safety_notes": "SENTINEL-SAFETY-NOTES",
    "health_notes": "SENTINEL-HEALTH-NOTES",
    "justice_notes": "SENTINEL-JUSTICE-NOTES",
    "immigration_notes": "SENTINEL-IMMIGRATION-NOTES",
    "social_notes": "SENTINEL-SOCIAL-NOTES",
}

# Texts written by the host facility's staff (its name must not show as their author).
HOST_NOTE_IDENTITY = "SENTINEL-IDENTITY-HOSTNOTE"
HOST_NOTE_SOCIAL = "SENTINEL-SOCIAL-HOSTNOTE"
HOST_CONTACT = "SENTINEL-SOCIAL-HOSTCONTACT"
APPOINTMENT_PURPOSE = "Audition au tribunal (fictive)"
HOST_DECISION = "SENTINEL-IDENTITY-HOSTDECISION"
BREAK_GLASS_REASON = (
    "Le parquet signale un danger immédiat cette nuit : vérifier où la personne est abritée."
)

# What each persona may see of the case (field groups). "Nobody" personas see nothing and get
# 404 on every page of the case; anonymous is sent to the sign-in page.
VISIBLE = {
    "referent": set(GROUPS),
    "referent_plain": set(GROUPS) - {"location"},
    "host": {"identity", "location", "health", "social"},
    "gendarmerie": {"identity", "justice"},
    "siao": {"identity", "social"},
    "ccas": {"identity", "social"},
    "territorial": {"identity", "location", "safety", "social"},
    "national": set(),
    "national_bg": {"identity", "location", "safety", "social"},
    "statistician": set(),
    "outsider": set(),
    "anonymous": set(),
}
PERSONAS = list(VISIBLE)
NOBODY = {"national", "statistician", "outsider", "anonymous"}


def forbidden_markers(persona: str) -> list[str]:
    """The sentinels ``persona`` must never read anywhere."""
    groups = VISIBLE[persona]
    markers = [SENTINEL[g] for g in GROUPS if g not in groups and g != "location"]
    if "location" not in groups:
        markers += LOCATION_MARKERS
    return markers


def found_markers(text: str, markers) -> list[str]:
    upper = text.upper()
    return [marker for marker in markers if marker.upper() in upper]


@dataclass
class FullCase:
    case: object
    person: object
    personas: dict  # name -> tests.personas.Persona (anonymous: None)
    orgs: dict  # name -> Organisation
    facility: object
    host_placement: object  # accepted, awaiting arrival (the facility's inbox shows it)
    hand_placement: object
    requests: list
    referrals: dict  # "shelter", "immigration", "health_insurance" -> Referral
    conferences: dict  # "held", "planned" -> Conference
    handover: object
    zones: list


def _mailed(persona):
    """Notifications go by e-mail only to members with an address: give ``persona`` one."""
    persona.user.email = f"{persona.name.replace('_', '-')}@exemple.test"
    persona.user.save(update_fields=["email"])
    return persona


def _yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def _people():
    """Every persona of the page-wide tests, with their organisations."""
    Kind = OrganisationKind
    referent = _mailed(built.referent())
    association = referent.actor.organisation
    host_org = OrganisationFactory(shelter=True, name=HOST_ORG, departement="35", city=HOST_TOWN)
    host = _mailed(built.host(organisation=host_org))
    host.user.first_name, host.user.last_name = "Hôte", HOST_STAFF
    host.user.save(update_fields=["first_name", "last_name"])
    national_org = OrganisationFactory(national=True, name="Coordination nationale (fictive)")
    personas = {
        "referent": referent,
        "referent_plain": _mailed(built.colleague(referent, "referent_plain")),
        "host": host,
        "gendarmerie": _mailed(built.participant("gendarmerie", kind=Kind.GENDARMERIE)),
        "siao": _mailed(built.siao()),
        "ccas": _mailed(built.make_persona("ccas", kind=Kind.CCAS)),
        "territorial": _mailed(built.territorial()),
        "national": _mailed(built.coordinator("national", organisation=national_org)),
        "national_bg": _mailed(built.coordinator("national_bg", organisation=national_org)),
        "statistician": _mailed(built.statistician(organisation=national_org)),
        "outsider": _mailed(built.outsider()),
        "anonymous": None,
    }
    orgs = {
        "association": association,
        "host": host_org,
        "gendarmerie": personas["gendarmerie"].actor.organisation,
        "siao": personas["siao"].actor.organisation,
        "ccas": personas["ccas"].actor.organisation,
        "national": national_org,
        "shelter_recipient": OrganisationFactory(
            kind=Kind.ASSOCIATION, name=SHELTER_RECIPIENT, departement="35"
        ),
        "prefecture": OrganisationFactory(
            kind=Kind.PREFECTURE, name="Préfecture SENTINEL-IMMIGRATION-PREFECTURE"
        ),
        "cpam": OrganisationFactory(kind=Kind.HEALTH_INSURANCE, name="CPAM SENTINEL-HEALTH-CPAM"),
        "relay": OrganisationFactory(kind=Kind.ASSOCIATION, name="Association relais (fictive)"),
    }
    personas["prefecture"] = _mailed(
        built.make_persona("prefecture", organisation=orgs["prefecture"])
    )
    return personas, orgs


def _safety(actor, case):
    zones.assess(
        actor, case, dangers=["threats_to_person"], level="high", note="SENTINEL-SAFETY-RISK"
    )
    return [
        zones.add_zone(
            actor,
            case,
            kind="town",
            reason="exploitation",
            departement="33",
            town="SENTINEL-SAFETY-ZONETOWN",
            lat=44.84,
            lon=-0.58,
            radius_km=20,
        ),
        zones.add_zone(actor, case, kind="departement", reason="exploiters", departement="33"),
    ]


def _shelter(actor, case, host, host_org):
    """The host facility accepts (it becomes the host participant); a second request gets a
    place entered by hand."""
    facility = FacilityFactory(
        organisation=host_org, name=HOST_FACILITY, departement="35", address=HOST_ADDRESS
    )
    first = placement.create_request(
        actor, case, sex="F", consent_date=_yesterday(), languages=PERSON["languages"]
    )
    (proposal,) = placement.propose(actor, first, [facility])
    accepted = placement.answer(
        host.actor, proposal, accept=True, expected_version=proposal.version
    )
    second = placement.create_request(actor, case, sex="F", consent_date=_yesterday())
    by_hand = placement.propose_by_hand(
        actor, second, name=HAND_PLACE, departement="29", town="Quimper"
    )
    return facility, accepted, by_hand, [first, second]


def _timeline(personas, case):
    referent, host = personas["referent"].actor, actor_for(personas["host"].user)
    for group in GROUPS:
        services.add_note(referent, case, text=f"{SENTINEL[group]}-NOTE", group=group)
    services.add_note(host, case, text=HOST_NOTE_IDENTITY, group=FieldGroup.IDENTITY)
    services.add_note(host, case, text=HOST_NOTE_SOCIAL, group=FieldGroup.SOCIAL)
    services.add_note(host, case, text="SENTINEL-LOCATION-HOSTNOTE", group=FieldGroup.LOCATION)
    services.log_contact(host, case, channel=ContactChannel.MET, note=HOST_CONTACT)
    services.log_contact(
        referent, case, channel=ContactChannel.PHONE, note="SENTINEL-SOCIAL-CONTACT"
    )


def _referrals(personas, orgs, case):
    actor = personas["referent"].actor
    Kind = ServiceKind
    wanted = {
        "shelter": (orgs["shelter_recipient"], Kind.SHELTER, "Hébergement stable", "social"),
        "immigration": (
            orgs["prefecture"],
            Kind.RESIDENCE_PERMIT,
            "Titres de séjour SENTINEL-IMMIGRATION-SERVICE",
            "immigration",
        ),
        "health_insurance": (
            orgs["cpam"],
            Kind.HEALTH_INSURANCE,
            "Droits santé SENTINEL-HEALTH-SERVICE",
            "health",
        ),
    }
    sent = {}
    for name, (organisation, kind, service_name, group) in wanted.items():
        service = ServiceFactory(organisation=organisation, kind=kind, name=service_name)
        referrals.record_consent(
            actor,
            case,
            organisation,
            purpose=f"{SENTINEL[group]}-CONSENT-{name.upper()}",
            given_on=_yesterday(),
            how="oral",
            language="français",
        )
        sent[name] = referrals.create_and_send(
            actor,
            case,
            service,
            purpose=f"{SENTINEL[group]}-PURPOSE-{name.upper()}",
            shared_groups=["identity", group],
            request_token=uuid.uuid4(),
        )
    immigration = sent["immigration"]
    sent["immigration"] = referrals.refuse(
        actor_for(personas["prefecture"].user),
        immigration,
        "other",
        "SENTINEL-IMMIGRATION-REFUSAL",
        immigration.version,
    )
    return sent


def _conferences(personas, orgs, case):
    """A held conference (agenda and one decision per group; the host owns two) and a planned
    one (its agenda per group)."""
    actor = personas["referent"].actor
    now = timezone.now()
    held = conferences.convene(
        actor,
        case,
        at=now - datetime.timedelta(hours=1),
        convened_at=now - datetime.timedelta(days=2),
        place="Salle 3, maison des associations",
        agenda=[{"text": f"{SENTINEL[g]}-AGENDA", "group": g} for g in GROUPS],
    )
    conferences.record_consent(
        actor, held, given_on=timezone.localdate(), how="oral", language="français"
    )
    owners = {
        "identity": orgs["host"],
        "location": orgs["host"],
        "safety": orgs["association"],
        "health": orgs["association"],
        "justice": orgs["gendarmerie"],
        "immigration": orgs["association"],
        "social": orgs["siao"],
    }
    decisions = [
        {"text": f"{SENTINEL[g]}-DECISION", "group": g, "owner_org": owners[g]} for g in GROUPS
    ]
    decisions[GROUPS.index("identity")]["text"] = HOST_DECISION
    held = conferences.record_conference(
        actor,
        held,
        attended=[orgs["association"], orgs["host"], orgs["gendarmerie"], orgs["siao"]],
        decisions=decisions,
    )
    planned = conferences.convene(
        actor,
        case,
        at=now + datetime.timedelta(days=2),
        place="Salle 5",
        agenda=[{"text": f"{SENTINEL[g]}-NEXTAGENDA", "group": g} for g in GROUPS],
    )
    return {"held": held, "planned": planned}


def _reads(personas, case):
    """A few reads by others, for the access history."""
    for name in ("host", "gendarmerie", "siao"):
        actor = actor_for(personas[name].user)
        record(actor, Action.VIEW_CASE, case, groups=["identity"], related=case.person)
        record(actor, Action.VIEW_PERSON, case.person, groups=["identity"])


def _identification(personas, case):
    """The gendarmerie identifies the person and informs her (justice group); the interpreter's
    name is a justice sentinel."""
    from parcours.identification import exploitation, reflection, stages

    gendarmes = actor_for(personas["gendarmerie"].user)
    on = timezone.localdate() - datetime.timedelta(days=2)
    stages.record_stage(gendarmes, case, "identified", on, note="SENTINEL-JUSTICE-STAGE")
    reflection.record_information(
        gendarmes, case, given_on=on, language="soussou", interpreter="SENTINEL-JUSTICE-INTERP"
    )
    exploitation.record_forms(gendarmes, case, {"domestic_servitude": ["domestic_work"]})
    # The host facility screens for indicators: its name is walked on the screening page.
    from parcours.identification import screening

    screening.start(actor_for(personas["host"].user), case)


def build_full_case() -> FullCase:
    personas, orgs = _people()
    referent = personas["referent"]
    case = services.open_case(
        referent.actor, dict(PERSON), first_contact="SENTINEL-SOCIAL-FIRSTCONTACT"
    )
    join_case(referent, case, personas["gendarmerie"], ("identity", "justice"), "investigation")
    join_case(referent, case, personas["siao"], ("identity", "social"), ParticipantRole.SUPPORT)
    join_case(referent, case, personas["ccas"], ("identity", "social"), ParticipantRole.SUPPORT)
    danger_zones = _safety(referent.actor, case)
    facility, accepted, by_hand, requests = _shelter(
        referent.actor, case, personas["host"], orgs["host"]
    )
    _timeline(personas, case)
    _identification(personas, case)
    tasks.add_task(referent.actor, case, title="SENTINEL-SOCIAL-TASK", owner_org=orgs["siao"])
    appointments.plan(
        referent.actor,
        case,
        at=timezone.now() + datetime.timedelta(days=3),
        purpose=APPOINTMENT_PURPOSE,
        place="Tribunal judiciaire, salle 4",
        attendees=[orgs["association"], orgs["host"], orgs["gendarmerie"]],
    )
    sent = _referrals(personas, orgs, case)
    held_and_planned = _conferences(personas, orgs, case)
    proposal = handover.propose(
        referent.actor,
        case,
        to_org=orgs["relay"],
        reason="SENTINEL-SOCIAL-HANDOVER : déménagement prévu",
        basis="legal",
        legal_basis="casf_l121_6_2",
    )
    breakglass.open_case(actor_for(personas["national_bg"].user), case.ref, BREAK_GLASS_REASON)
    _reads(personas, case)
    case.refresh_from_db()
    return FullCase(
        case=case,
        person=case.person,
        personas=personas,
        orgs=orgs,
        facility=facility,
        host_placement=accepted,
        hand_placement=by_hand,
        requests=requests,
        referrals=sent,
        conferences=held_and_planned,
        handover=proposal,
        zones=danger_zones,
    )


@contextlib.contextmanager
def built_once(django_db_blocker):
    """The full case for a whole module, rolled back when the module is done."""
    from parcours.shelter.network import forget_table

    with django_db_blocker.unblock(), transaction.atomic():
        forget_table()
        yield build_full_case()
        transaction.set_rollback(True)
    forget_table()
