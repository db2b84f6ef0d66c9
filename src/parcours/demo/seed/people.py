"""People and their pathways, one batch at a time: the person (encrypted identity and search
tokens), one case each with its status history, participants, timeline events, contact log,
tasks, referrals (consents, coded refusals, transitions), the safety assessment and danger
zones, safe-shelter placements, appointments, case conferences, the notifications all this
sends, and the journal entries of it all.

:func:`generate` builds a :class:`Batch` of database rows (tuples in the columns of
``seed.tables``, values as the database takes them, encrypted by the project's key ring) from
a ``random.Random`` (seeded from the run's seed and the batch number: the same batch makes the
same data) and a :class:`Context` (the country, the run's ids, the database's value format);
``load.write`` saves it. No model instance is built: the rows are only inserted, and building
them is most of the cost. Each row is what the application's own service writes for that step
(``cases.services``, ``referrals.lifecycle``, ``shelter.placement``, ``cases.appointments``,
``conferences.services``, ``alerts.notify``), dated in the past of the run's ``anchor``.

The shapes follow what the issue measured on a generator: ~20 events, ~9.5 contacts, 1-4
participants per case, referrals on 30 % of cases, ~19 journal entries per case; besides, the
dangers are assessed on 70 % of cases, a third of the cases put in safety were placed through
the network, 45 % of cases have appointments and 8 % a case conference. Texts are short
fictional phrases; event data and notifications hold codes, ids and references only, as
everywhere.
"""

import datetime
import itertools
import random
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace

from parcours.audit.enums import Action
from parcours.audit.models import JournalEntry
from parcours.cases.enums import (
    CaseStatus,
    ContactChannel,
    EventKind,
    LegalBasis,
    ParticipantRole,
    SharingBasis,
)
from parcours.conferences.enums import ConferenceStatus
from parcours.core.geography import departement_point, great_circle_km
from parcours.core.groups import ALL_GROUPS, FieldGroup, sorted_groups
from parcours.core.models import ConsentMethod
from parcours.core.refs import ALPHABET, _check_char
from parcours.core.roles import OrganisationKind as K
from parcours.core.roles import Role as R
from parcours.demo.seed import names
from parcours.demo.seed.ids import STRIDES
from parcours.demo.seed.rows import Sealer
from parcours.people.search import tokens_for
from parcours.referrals.enums import REFUSAL_CODES, ReferralStatus
from parcours.referrals.services import PARTICIPANT_ROLE
from parcours.rights.facts import FACTS
from parcours.shelter.enums import (
    CRITICAL_DANGERS,
    Danger,
    DeclineCode,
    PlacementStatus,
    RequestStatus,
    RiskLevel,
    ZoneKind,
    ZoneReason,
)

G = FieldGroup
S = CaseStatus
RS = ReferralStatus
PS = PlacementStatus
CS = ConferenceStatus
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
REF_SPACE = len(ALPHABET) ** 5
# An odd multiplier is a bijection of 0..32^5-1: consecutive people get scattered references.
REF_SCRAMBLE = 0x5BD1E995 % REF_SPACE | 1
GROUP_ORDER = list(FieldGroup.values)
CHANNELS = list(ContactChannel.values)
CHANNEL_WEIGHTS = list(itertools.accumulate([35, 35, 15, 15]))
CONSENT_METHODS = list(ConsentMethod.values)
DANGERS = list(Danger.values)
ZONE_REASONS = (ZoneReason.EXPLOITATION, ZoneReason.EXPLOITERS, ZoneReason.RECRUITMENT)
DECLINE_CODES = [c for c in DeclineCode.values if c != DeclineCode.OTHER]
HOST_GROUPS = sorted_groups([G.IDENTITY, G.LOCATION, G.SOCIAL])  # shelter.hosting


def seeded_ref(prefix: str, index: int) -> str:
    """The reference of the ``index``-th seeded object of a kind: distinct for distinct
    indexes (below 32^5), valid for ``core.refs.is_valid_reference``."""
    if not 0 <= index < REF_SPACE:
        raise ValueError(f"no seeded reference left for index {index}")
    number = (index * REF_SCRAMBLE) % REF_SPACE
    body = ""
    for _ in range(5):
        number, digit = divmod(number, len(ALPHABET))
        body = ALPHABET[digit] + body
    return f"{prefix}-{body[:4]}-{body[4]}{_check_char(prefix, body)}"


def free_ref(prefix: str, index: int, taken) -> str:
    """``seeded_ref(prefix, index)``, unless a row the seed did not write holds it: then a
    reference from the top of the space (where no seeded index reaches: 4,000,000 seeded
    objects of a kind at most come down to it), the same on every run."""
    ref = seeded_ref(prefix, index)
    step = 0
    while ref in taken:
        step += 1
        ref = seeded_ref(prefix, REF_SPACE - 1 - (index + step * 4_000_000) % (REF_SPACE // 8))
    return ref


def sorted_groups_fast(groups) -> list[str]:
    return sorted(set(groups), key=GROUP_ORDER.index)


@dataclass(frozen=True)
class Who:
    """Who did something, for the journal (``audit.journal`` reads ``user`` and
    ``organisation``)."""

    user: object
    organisation: object


@dataclass
class Context:
    """What a batch is generated from besides its ``random.Random``: the country, the run
    (its first person's index, its id blocks, its anchor time), the database's value format
    (``rows.Values``), the tables, the references held by rows the seed did not write, and the
    links notifications carry (formats of the application's URLs)."""

    country: object
    values: object
    tables: object
    anchor: datetime.datetime
    first_index: int
    bases: dict
    taken: dict  # prefix -> references held by rows the seed did not write
    links: dict  # "case", "referral", "conference", "placement": formats of the app's URLs
    safe_km: int = 150

    def id(self, kind: str, index: int, number: int = 0) -> int:
        return self.bases[kind] + (index - self.first_index) * STRIDES[kind] + number

    def ref(self, prefix: str, index: int) -> str:
        return free_ref(prefix, index, self.taken.get(prefix, ()))


@dataclass
class Batch:
    rows: dict = field(default_factory=dict)  # table name -> list of tuples
    # (user id, organisation id, action, (case ref, id), related, groups, reason, at); related:
    # None or (kind, ref, id) with kind "person" or "referral"
    journal: list = field(default_factory=list)
    names: list = field(default_factory=list)  # (ref, given names, family name)
    journal_reasons: list = field(default_factory=list)  # each entry's reason, sealed
    prepared_journal: object = None  # ``load.Journal``: the entries as rows, but their numbers

    @property
    def events(self) -> list:
        return self.rows.get("event", [])

    def counts(self) -> dict[str, int]:
        counts = {name: len(rows) for name, rows in self.rows.items()}
        prepared = self.prepared_journal
        counts["journal"] = len(prepared.rows) if prepared is not None else len(self.journal)
        return counts


# -- fictional texts --------------------------------------------------------------------------

FIRST_CONTACT = (
    "Venue à la permanence, orientée par une compatriote.",
    "Rencontré lors d'une maraude de nuit.",
    "Signalement d'un hôpital après une consultation aux urgences.",
    "Trouvée lors d'un contrôle de l'inspection du travail.",
    "Appel au numéro d'écoute, rendez-vous pris le lendemain.",
    "Orientée par un travailleur social du CCAS.",
)
LOCATION = (
    "Hébergée à l'hôtel par le 115.",
    "Dort chez une connaissance, sans adresse fixe.",
    "Mise à l'abri en centre d'hébergement d'urgence.",
    "Logée par l'employeur sur le lieu de travail.",
    "Sans abri depuis trois nuits.",
)
SAFETY = (
    "Menaces répétées du réseau par téléphone.",
    "Dette de passage réclamée à la famille restée au pays.",
    "Pas de danger immédiat signalé.",
    "L'exploitant connaît le quartier où elle dort.",
)
HEALTH = ("Suivi médical à organiser.", "Douleurs chroniques, pas de couverture.", "")
JUSTICE = ("Plainte envisagée.", "Audition prévue.", "Ne souhaite pas porter plainte.", "")
IMMIGRATION = ("Sans titre de séjour.", "Récépissé en cours.", "Passeport confisqué.", "")
SOCIAL = (
    "Travail sans salaire pendant deux ans.",
    "Exploitation dans la restauration.",
    "Servitude domestique.",
    "Exploitation sexuelle sur la voie publique.",
    "Contrainte à commettre des vols.",
    "Chantiers du bâtiment, paiement en liquide retenu.",
)
NOTES = {
    G.SOCIAL: ("Point sur les démarches.", "Accompagnée à la CAF.", "Cours de français trouvés."),
    G.HEALTH: ("Consultation à la PASS.", "Bilan de santé fait."),
    G.JUSTICE: ("Entretien avec l'avocate.", "Audition reportée."),
    G.SAFETY: ("Nouvelles menaces signalées.", "Le plan de mise en sécurité est revu."),
    G.IMMIGRATION: ("Dossier de titre de séjour déposé.",),
}
NOTE_GROUPS = list(NOTES)
NOTE_WEIGHTS = list(itertools.accumulate([6, 2, 2, 1, 1]))
CONTACT_NOTES = ("Va mieux.", "Rendez-vous confirmé.", "Inquiète pour sa famille.", "")
TASKS = (
    "Prendre rendez-vous à la préfecture",
    "Demander la domiciliation",
    "Ouvrir les droits à la santé",
    "Chercher un interprète",
    "Préparer le dossier jeune majeur",
)
PURPOSES = ("Mise à l'abri", "Ouverture des droits", "Accompagnement", "Dépôt de plainte")
LANGUAGES = ("français", "anglais", "arabe", "roumain")
RISK_NOTES = ("", "Le réseau a retrouvé sa trace une fois.", "Menaces par messages.", "")
APPOINTMENTS = (
    ("Audition par les enquêteurs", "Commissariat, bureau des victimes"),
    ("Consultation médicale", "PASS de l'hôpital"),
    ("Rendez-vous en préfecture", "Préfecture, guichet des titres de séjour"),
    ("Entretien avec l'avocate", "Cabinet de l'avocate"),
    ("Ouverture des droits", "CPAM, accueil sur rendez-vous"),
)
AGENDA = {
    G.SOCIAL: ("Hébergement à la sortie du dispositif.", "Accès à une formation."),
    G.HEALTH: ("Suivi psychologique.",),
    G.JUSTICE: ("Suites de la plainte.",),
    G.SAFETY: ("Nouvelles menaces : faut-il changer de département ?",),
    G.IMMIGRATION: ("Demande de titre de séjour.",),
}
AGENDA_GROUPS = list(AGENDA)
DECISIONS = {
    G.SOCIAL: "Chercher une place en logement accompagné.",
    G.HEALTH: "Orienter vers une consultation spécialisée.",
    G.JUSTICE: "Préparer l'audition avec l'avocate.",
    G.SAFETY: "Revoir le plan de mise en sécurité.",
    G.IMMIGRATION: "Compléter le dossier de titre de séjour.",
}
# conferences.services._task_title, in the service's language (French)
NEUTRAL_TASK = (
    "Décision de la réunion de concertation du {date} : consultez-la sur la page de la réunion."
)
CONFERENCE_PLACES = ("Salle de réunion de l'association", "Visioconférence", "Mairie, salle 2")
CANCEL_REASONS = ("La personne n'est pas disponible.", "Report à la demande du parquet.")

# participant kinds of organisation -> (role in the case, groups it is given)
PARTICIPATION = {
    K.POLICE: (ParticipantRole.INVESTIGATION, (G.IDENTITY, G.JUSTICE)),
    K.GENDARMERIE: (ParticipantRole.INVESTIGATION, (G.IDENTITY, G.JUSTICE, G.SAFETY)),
    K.SIAO: (ParticipantRole.SUPPORT, (G.IDENTITY, G.SOCIAL)),
    K.CCAS: (ParticipantRole.INSERTION, (G.IDENTITY, G.SOCIAL)),
    K.SHELTER_FACILITY: (ParticipantRole.SHELTER, (G.IDENTITY, G.LOCATION, G.SOCIAL)),
    K.HEALTH_INSURANCE: (ParticipantRole.HEALTH, (G.IDENTITY,)),
    K.PREFECTURE: (ParticipantRole.RESIDENCE, (G.IDENTITY, G.IMMIGRATION)),
    K.MISSION_LOCALE: (ParticipantRole.INSERTION, (G.IDENTITY, G.SOCIAL)),
    K.ASSOCIATION: (ParticipantRole.SUPPORT, (G.IDENTITY, G.SOCIAL, G.HEALTH)),
    K.CHILD_WELFARE: (ParticipantRole.CHILD_PROTECTION, (G.IDENTITY, G.SAFETY, G.SOCIAL)),
}
PARTICIPATION_GROUPS = {kind: sorted_groups(groups) for kind, (_r, groups) in PARTICIPATION.items()}
MINOR_KINDS = [K.CHILD_WELFARE, K.POLICE, K.GENDARMERIE, K.SHELTER_FACILITY, K.ASSOCIATION]
WORKERS = (R.CASEWORKER, R.MANAGER, R.INVESTIGATOR, R.FACILITY_STAFF)
FACILITY_WORKERS = (R.FACILITY_STAFF, R.MANAGER)
REFERRALS_PER_CASE = STRIDES["referral"]  # at most; their references are numbered from the case's
REFERRAL_OUTCOMES = (
    (RS.REFUSED, 35),
    (RS.ACCEPTED, 30),
    (RS.SENT, 8),
    (RS.ACKNOWLEDGED, 7),
    (RS.EXPIRED, 10),
    (RS.WITHDRAWN, 10),
)
OUTCOMES = [o for o, _w in REFERRAL_OUTCOMES]
OUTCOME_WEIGHTS = list(itertools.accumulate(w for _o, w in REFERRAL_OUTCOMES))
# referrals.lifecycle._TOLD: who is told of a move (the recipient or the sender), and the kind.
TOLD = {
    RS.SENT: ("to", "referral_received"),
    RS.ACKNOWLEDGED: ("from", "referral_acknowledged"),
    RS.ACCEPTED: ("from", "referral_accepted"),
    RS.REFUSED: ("from", "referral_refused"),
    RS.EXPIRED: ("from", "referral_expired"),
    RS.WITHDRAWN: ("to", "referral_withdrawn"),
}
SEX = ["F", "M", "X"]
SEX_WEIGHTS = list(itertools.accumulate([64, 34, 2]))


# -- one batch --------------------------------------------------------------------------------


class _Gen:
    """The generation of one batch: the context, the rng and the batch's row lists, with the
    converters and sealers bound once."""

    def __init__(self, rng: random.Random, ctx: Context):
        self.rng, self.ctx, self.country = rng, ctx, ctx.country
        self.batch = Batch(rows={name: [] for name in ctx.tables.names})
        self.rows = self.batch.rows
        self._journal = self.batch.journal.append
        self._reasons = self.batch.journal_reasons.append
        self._seal_reason = Sealer(JournalEntry._meta.get_field("reason"))
        self._json = {}
        values, t = ctx.values, ctx.tables
        self.dt, self.date, self.json, self.uuid = values.dt, values.date, values.json, values.uuid
        self.seal = {
            f"{name}.{column}": sealer
            for name, table in t
            for column, sealer in table.sealers.items()
        }
        self.now = ctx.anchor
        self.today = ctx.anchor.date()
        self.empty_data = self.json({})

    def journal(self, row) -> None:
        """A journal row, its reason sealed here (``load.write`` gives the entries these)."""
        self._journal(row)
        self._reasons(self._seal_reason(row[6]))

    def data(self, data: dict) -> str:
        """Event data as JSON, each distinct value serialised once."""
        key = tuple(data.items())
        text = self._json.get(key)
        if text is None:
            text = self._json[key] = self.json(data)
        return text

    def token(self) -> uuid.UUID:
        return self.uuid(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def moments(self, start, end, count: int) -> list:
        span = max((end - start).total_seconds(), 60.0)
        uniform = self.rng.uniform
        return sorted(start + datetime.timedelta(seconds=uniform(0, span)) for _ in range(count))

    def moment(self, start, end):
        span = max((end - start).total_seconds(), 60.0)
        return start + datetime.timedelta(seconds=self.rng.uniform(0, span))

    def member(self, org, *roles):
        user = self.country.member(self.rng, org, *roles)
        return user.pk if user is not None else None

    # -- rows that many steps write --

    def event(self, case, who, kind, at, *, group=G.SOCIAL, summary="", data=None) -> None:
        self.rows["event"].append(
            (
                case.id,
                kind,
                group,
                self.dt(at),
                who[0],
                who[1],
                self.seal["event.summary"](summary),
                self.data(data) if data else self.empty_data,
            )
        )

    def notify(self, kind, org_id, ref, link, at, dedup_key=None, params=None) -> None:
        self.rows["notification"].append(
            (org_id, None, kind, ref, link, self.json(params or {}), dedup_key, self.dt(at))
        )

    def log(self, table: str, subject_id, previous, status, at, who) -> None:
        row = (
            subject_id,
            previous,
            status,
            self.dt(at),
            who[0] if who else None,
            who[1] if who else None,
            self.seal[f"{table}.reason" if table == "transition" else f"{table}.note"](""),
        )
        self.rows[table].append(row)


class _Case(SimpleNamespace):
    """The case being generated: ids, references, dates and who takes part (no model)."""


def generate(rng: random.Random, ctx: Context, *, first_index: int, count: int) -> Batch:
    """``count`` people (the ``first_index``-th seeded person onwards) and their pathways."""
    gen = _Gen(rng, ctx)
    for offset in range(count):
        _pathway(gen, first_index + offset)
    return gen.batch


def _birth(rng: random.Random, age: int, on: datetime.date) -> dict:
    year = on.year - age - (1 if rng.random() < 0.5 else 0)
    shape = rng.random()
    if shape < 0.7:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        return {"year": year, "month": month, "day": day, "approximate": False}
    if shape < 0.8:
        return {"year": year, "month": rng.randint(1, 12), "day": None, "approximate": False}
    return {"year": year, "month": None, "day": None, "approximate": True}


def _age_on(birth: dict, day: datetime.date) -> int:
    """``Person.age_on``: with a partial date, the youngest possible age."""
    month, birth_day = birth.get("month") or 12, birth.get("day") or 31
    if birth.get("month") and not birth.get("day"):
        birth_day = 28
    return day.year - birth["year"] - ((day.month, day.day) < (month, birth_day))


def _person(gen: _Gen, index: int, opened) -> tuple[int, bool]:
    rng, seal = gen.rng, gen.seal
    culture = names.pick_culture(rng)
    name = names.person_name(rng, culture)
    minor = rng.random() < 0.15
    age = rng.randint(13, 17) if minor else rng.randint(18, 55)
    languages = rng.sample(culture.languages, k=min(len(culture.languages), rng.randint(1, 2)))
    if culture.code != "fr" and rng.random() < 0.3:
        languages.append("français")
    phone = ""
    if rng.random() < 0.6:
        phone = f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"  # fiction range
    birth = _birth(rng, age, gen.today)
    person_id, ref = gen.ctx.id("person", index), gen.ctx.ref("P", index)
    gen.rows["person"].append(
        (
            person_id,
            ref,
            gen.dt(opened),
            seal["person.family_name"](name.family_name),
            seal["person.given_names"](name.given_names),
            seal["person.aliases"](list(name.aliases)),
            seal["person.birth_date"](birth),
            rng.choices(SEX, cum_weights=SEX_WEIGHTS)[0],
            seal["person.nationalities"]([rng.choice(culture.nationalities)]),
            seal["person.languages"](languages),
            seal["person.phone"](phone),
            seal["person.location_now"](rng.choice(LOCATION)),
            seal["person.safety_notes"](rng.choice(SAFETY)),
            seal["person.health_notes"](rng.choice(HEALTH)),
            seal["person.justice_notes"](rng.choice(JUSTICE)),
            seal["person.immigration_notes"](
                rng.choice(IMMIGRATION) if culture.code != "fr" else ""
            ),
            seal["person.social_notes"](rng.choice(SOCIAL)),
        )
    )
    gen.batch.names.append((ref, name.given_names, name.family_name))
    identity = SimpleNamespace(
        given_names=name.given_names,
        family_name=name.family_name,
        aliases=list(name.aliases),
        birth_date=birth,
        phone=phone,
    )
    tokens = sorted(tokens_for(identity))
    gen.rows["token"].extend((person_id, kind, digest) for kind, digest in tokens)
    return person_id, ref, _age_on(birth, gen.today) < 18  # what the sharing basis depends on


def _referent(gen: _Gen, dep, minor):
    """The organisation that holds the case, and the member who opened it."""
    rng, country = gen.rng, gen.country
    draw = rng.random()
    if minor and draw < 0.5:
        kinds = (K.CHILD_WELFARE,)
    elif draw < 0.8:
        kinds = (K.ASSOCIATION,)
    elif draw < 0.92:
        kinds = (K.SIAO,)
    else:
        kinds = (K.LABOUR_INSPECTORATE,)
    orgs = [o for kind in kinds for o in country.of_kind(dep, kind)] or country.of_kind(
        dep, K.ASSOCIATION
    )
    org = rng.choice(orgs)
    return org, gen.member(org, R.CASEWORKER, R.MANAGER)


def _status_path(rng) -> list[str]:
    """The statuses a case went through after opening (each an allowed move)."""
    draw = rng.random()
    if draw < 0.25:
        return []
    if draw < 0.45:
        return [S.IN_SAFETY]
    if draw < 0.7:
        return [S.IN_SAFETY, S.FOLLOWED]
    if draw < 0.82:
        return [S.FOLLOWED, S.CONTACT_LOST]
    return [S.IN_SAFETY, S.FOLLOWED, S.CLOSED]


def _pathway(gen: _Gen, index: int) -> None:
    rng, ctx, now = gen.rng, gen.ctx, gen.now
    dep = rng.choices(gen.country.departements, cum_weights=gen.country.cum_weights)[0]
    opened = now - datetime.timedelta(seconds=rng.uniform(DAY.total_seconds(), 3 * 365 * 86400))
    person_id, person_ref, minor = _person(gen, index, opened)

    org, user = _referent(gen, dep, minor)
    referent = (user, org.pk)
    path = _status_path(rng)
    moves = gen.moments(opened + DAY / 4, now - DAY / 24, len(path))
    closed_at = moves[-1] if path and path[-1] == S.CLOSED else None
    case = _Case(
        index=index,
        id=ctx.id("case", index),
        ref=ctx.ref("C", index),
        dep=dep,
        org=org,
        referent=referent,
        minor=minor,
        opened=opened,
        end=closed_at or now,
        status=path[-1] if path else S.OPEN,
        tasks=0,
        taking_part={},  # organisation id -> groups, active participants
        involved=[],  # (user id, organisation id) of participants' members
        zones=[],  # (lat, lon, radius) of town zones, and départements in danger
        zone_deps={dep},
        assessed=False,
    )
    case.key = (case.ref, case.id)
    journal = gen.journal
    # Opening: the log, the event, the journal (as services.open_case writes them).
    gen.log("transition", case.id, "", S.OPEN, opened, referent)
    gen.event(case, referent, EventKind.OPENED, opened, summary=rng.choice(FIRST_CONTACT))
    journal((user, org.pk, Action.CREATE_CASE, case.key, ("person", person_ref, person_id),
             ALL_GROUPS, "", opened))  # fmt: skip
    previous = S.OPEN
    for status, at in zip(path, moves, strict=True):
        gen.log("transition", case.id, previous, status, at, referent)
        gen.event(case, referent, EventKind.STATUS, at, data={"from": previous, "to": status})
        journal((user, org.pk, Action.CHANGE_STATUS, case.key, None, (), f"{previous}>{status}",
                 at))  # fmt: skip
        previous = status

    _participants(gen, case)
    _safety(gen, case)
    if S.IN_SAFETY in path:
        _placement(gen, case, moves[path.index(S.IN_SAFETY)])
    _referrals(gen, case)
    _facts(gen, case)
    _contacts(gen, case)
    _notes(gen, case)
    _tasks(gen, case)
    _appointments(gen, case)
    _conference(gen, case)
    last_contact = case.last_contact
    gen.rows["case"].append(
        (
            case.id,
            case.ref,
            person_id,
            1,
            org.pk,
            user,
            case.status,
            gen.dt(opened),
            gen.dt(closed_at),
            gen.dt(last_contact),
            gen.token(),
            user,
            1 + len(path),
        )
    )
    if rng.random() < 0.5:  # someone of a participant read the case
        who = rng.choice(case.involved) if case.involved else referent
        journal((*who, Action.VIEW_CASE, case.key, ("person", person_ref, person_id),
                 (G.IDENTITY,), "", gen.moment(opened, case.end)))  # fmt: skip


def _basis(rng, minor: bool, on: datetime.date) -> tuple[str, datetime.date | None, str]:
    if minor:
        return SharingBasis.LEGAL, None, LegalBasis.CHILD_PROTECTION
    if rng.random() < 0.08:
        return SharingBasis.LEGAL, None, LegalBasis.SOCIAL_ACTION
    return SharingBasis.CONSENT, on, ""


def _add_participant(gen, case, who, org_id, role, groups, basis, at, *, reason="", ended=None):
    """A participation granted (``cases.participants.grant``): the row, the event, the
    journal; ended later when ``ended`` is a date (``participants.end``)."""
    kind, consent_date, legal = basis
    group = G.LOCATION if role == ParticipantRole.SHELTER else G.SOCIAL
    gen.rows["participant"].append(
        (
            case.id,
            org_id,
            role,
            gen.json(groups),
            kind,
            gen.date(consent_date),
            legal,
            ended is None,
            gen.dt(at),
            who[0],
            gen.dt(ended),
        )
    )
    gen.event(case, who, EventKind.PARTICIPANT_ADDED, at, group=group,
              data={"organisation_id": org_id})  # fmt: skip
    journal_reason = f"{kind}:{legal}" if legal else kind
    gen.journal((*who, Action.ADD_PARTICIPANT, case.key, None, groups,
                 f"{journal_reason}{reason}", at))  # fmt: skip
    if ended is not None:
        gen.event(case, who, EventKind.PARTICIPANT_ENDED, ended, group=group,
                  data={"organisation_id": org_id})  # fmt: skip
        gen.journal((*who, Action.END_PARTICIPANT, case.key, None, groups, "", ended))
    else:
        case.taking_part[org_id] = groups


def _participants(gen: _Gen, case) -> None:
    """1 to 4 organisations of the département take part (one may have left since)."""
    rng, country = gen.rng, gen.country
    kinds = MINOR_KINDS if case.minor else PARTICIPATION
    candidates = [o for kind in kinds for o in country.of_kind(case.dep, kind) if o is not case.org]
    chosen = rng.sample(candidates, k=min(len(candidates), rng.randint(1, 4)))
    for org, at in zip(chosen, gen.moments(case.opened, case.end, len(chosen)), strict=True):
        role = PARTICIPATION[org.kind][0]
        basis = _basis(rng, case.minor, at.date())
        ended = gen.moment(at, case.end) if rng.random() < 0.1 else None
        groups = PARTICIPATION_GROUPS[org.kind]
        _add_participant(gen, case, case.referent, org.pk, role, groups, basis, at, ended=ended)
        if ended is None:
            member = gen.member(org, *WORKERS)
            if member is not None:
                case.involved.append((member, org.pk))


def _safety(gen: _Gen, case) -> None:
    """The immediate dangers assessed (``shelter.zones.assess``) on 70 % of cases, a few days
    after the opening, and danger zones on half of those (``zones.add_zone``)."""
    rng = gen.rng
    if rng.random() >= 0.7:
        return
    case.assessed = True
    at = min(case.opened + datetime.timedelta(seconds=rng.uniform(600, 3 * 86400)), case.end)
    dangers = [d for d in DANGERS if rng.random() < 0.2]
    level = rng.choice((RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.MEDIUM, RiskLevel.HIGH))
    if set(dangers) & CRITICAL_DANGERS:
        level = RiskLevel.CRITICAL
    user, org_id = case.referent
    gen.rows["risk"].append(
        (
            case.id,
            gen.seal["risk.dangers"](dangers),
            level,
            gen.seal["risk.note"](rng.choice(RISK_NOTES)),
            gen.dt(at),
            user,
            org_id,
        )
    )
    gen.journal((user, org_id, Action.RISK_ASSESS, case.key, None, [G.SAFETY], level, at))
    if rng.random() >= 0.5:
        return
    for number in range(rng.randint(1, 2)):
        reason = rng.choice(ZONE_REASONS)
        if number == 0 and rng.random() < 0.5:
            where = {"departement": case.dep, "radius_km": 0}
            kind = ZoneKind.DEPARTEMENT
        else:
            lat, lon = departement_point(case.dep)
            lat = round(lat + rng.uniform(-0.2, 0.2), 4)
            lon = round(lon + rng.uniform(-0.2, 0.2), 4)
            where = {"departement": case.dep, "town": case.org.city, "lat": lat, "lon": lon,
                     "radius_km": 30}  # fmt: skip
            kind = ZoneKind.TOWN
            case.zones.append((lat, lon, 30))
        gen.rows["zone"].append(
            (case.id, kind, reason, gen.seal["zone.where"](where), gen.dt(at), user, None)
        )
        gen.journal((user, org_id, Action.ZONE_ADD, case.key, None, [G.SAFETY], "", at))


def _safe_facilities(gen: _Gen, case, count: int) -> list:
    """Facilities of other départements outside every danger zone (``shelter.safety``)."""
    found = []
    facilities = gen.country.facilities
    for _ in range(count * 6):
        facility = gen.rng.choice(facilities)
        if facility.departement in case.zone_deps or facility in found:
            continue
        if any(great_circle_km(facility.lat, facility.lon, lat, lon) <= radius + 5
               for lat, lon, radius in case.zones):  # fmt: skip
            continue
        found.append(facility)
        if len(found) == count:
            break
    return found


def _placement(gen: _Gen, case, safe_at) -> None:
    """A third of the cases put in safety were placed through the network
    (``shelter.placement``): a request, proposals to one facility after another (declined with
    a code, then accepted: the facility takes part as the host), the arrival on the day the
    case went in safety. Only for a case whose dangers were assessed."""
    rng = gen.rng
    if not case.assessed or rng.random() >= 0.35:
        return
    declined = rng.choice((0, 0, 0, 1, 1, 2))
    facilities = _safe_facilities(gen, case, declined + 1)
    if len(facilities) < declined + 1:
        return
    ctx, seal, dt = gen.ctx, gen.seal, gen.dt
    referent = user, org_id = case.referent
    asked = case.opened + (safe_at - case.opened) * rng.uniform(0.05, 0.3)
    proposed = asked + (safe_at - asked) * rng.uniform(0.05, 0.3)
    request_id = ctx.id("request", case.index)
    needs = {
        "sex": rng.choices(SEX, cum_weights=SEX_WEIGHTS)[0],
        "minor": case.minor,
        "family_size": rng.choice((1, 1, 1, 2, 3)),
        "pets": False,
        "languages": sorted(rng.sample(LANGUAGES, k=rng.randint(1, 2))),
        "security_level": rng.randint(0, 2),
    }
    gen.rows["request"].append(
        (request_id, case.id, seal["request.needs"](needs), ctx.safe_km, rng.randint(1, 3),
         gen.date(asked.date()), RequestStatus.PLACED, dt(asked), user, 2)
    )  # fmt: skip
    gen.journal((user, org_id, Action.PLACEMENT_REQUEST, case.key, None, [G.SAFETY], "", asked))
    moments = gen.moments(proposed, safe_at, 2 * declined + 1)
    asked_at = proposed
    link_case = ctx.links["case"].format(ref=case.ref)
    for order, facility in enumerate(facilities, start=1):
        placement_id = ctx.id("placement", case.index, order - 1)
        staff = (gen.member(facility.organisation, *FACILITY_WORKERS), facility.organisation_id)
        is_last = order == len(facilities)
        if is_last:
            answered = moments[-1] - (moments[-1] - asked_at) / 2
            steps = [(PS.QUEUED, PS.PROPOSED, asked_at, referent),
                     (PS.PROPOSED, PS.ACCEPTED, answered, staff)]  # fmt: skip
            arrived_by = staff if rng.random() < 0.5 else referent
            steps.append((PS.ACCEPTED, PS.ARRIVED, safe_at, arrived_by))
        else:
            answered = moments[2 * order - 1]
            steps = [(PS.QUEUED, PS.PROPOSED, asked_at, referent),
                     (PS.PROPOSED, PS.DECLINED, answered, staff)]  # fmt: skip
        code = "" if is_last else rng.choice(DECLINE_CODES)
        gen.rows["placement"].append(
            (placement_id, request_id, case.id, facility.pk, None, order, steps[-1][1],
             needs["family_size"], code, seal["placement.decline_text"](""),
             seal["placement.override_reason"](""), dt(proposed), user,
             dt(safe_at) if is_last else None, 1 + len(steps))
        )  # fmt: skip
        for previous, status, at, who in steps:
            gen.log("placement_transition", placement_id, previous, status, at, who)
            gen.journal((*who, Action.PLACEMENT_STATUS, case.key, None, [G.LOCATION],
                         f"{placement_id}:{previous}>{status}", at))  # fmt: skip
            if status == PS.PROPOSED:
                dedup = f"placement:{placement_id}:proposed"
                gen.notify("placement_proposed", facility.organisation_id, case.ref,
                           ctx.links["placement"], at, dedup)  # fmt: skip
            elif status == PS.DECLINED:
                gen.notify("placement_declined", org_id, case.ref, link_case, at)
            elif status == PS.ACCEPTED:
                gen.notify("placement_accepted", org_id, case.ref, link_case, at)
                basis = (  # shelter.hosting.join_as_host
                    (SharingBasis.LEGAL, None, LegalBasis.CHILD_PROTECTION)
                    if case.minor
                    else (SharingBasis.CONSENT, asked.date(), "")
                )
                _add_participant(gen, case, staff, facility.organisation_id,
                                 ParticipantRole.SHELTER, HOST_GROUPS, basis, at,
                                 reason=":host")  # fmt: skip
                if staff[0] is not None:
                    case.involved.append(staff)
            elif status == PS.ARRIVED:
                gen.event(case, who, EventKind.PLACEMENT, at, group=G.LOCATION,
                          data={"step": "arrived", "placement": placement_id})  # fmt: skip
                if who[1] != org_id:
                    gen.notify("placement_arrived", org_id, case.ref, link_case, at)
        asked_at = answered


def _referrals(gen: _Gen, case) -> None:
    """Referrals on 30 % of cases, 1 to 3 each, with their answers (coded refusals) and the
    notifications each move sends (``referrals.lifecycle``)."""
    rng, ctx, seal, dt = gen.rng, gen.ctx, gen.seal, gen.dt
    if rng.random() >= 0.3:
        return
    services = [
        s for s in gen.country.services.get(case.dep, []) if s.organisation_id != case.org.pk
    ]
    if not services:
        return
    referent = user, org_id = case.referent
    chosen = rng.sample(services, k=min(len(services), rng.randint(1, REFERRALS_PER_CASE)))
    for number, service in enumerate(chosen):
        created, sent, answered = gen.moments(case.opened, case.end, 3)
        outcome = rng.choices(OUTCOMES, cum_weights=OUTCOME_WEIGHTS)[0]
        kind, consent_date, legal = _basis(rng, case.minor, created.date())
        groups = [G.IDENTITY, G.SOCIAL]
        to_org = service.organisation_id
        consent_id = None
        if kind == SharingBasis.CONSENT:
            consent_id = ctx.id("consent", case.index, number)
            gen.rows["consent"].append(
                (consent_id, case.id, to_org, seal["consent.purpose"](rng.choice(PURPOSES)),
                 gen.date(created.date()), rng.choice(CONSENT_METHODS),
                 seal["consent.language"](rng.choice(LANGUAGES)), seal["consent.interpreter"](""),
                 user, dt(created))
            )  # fmt: skip
            gen.journal((user, org_id, Action.CONSENT_RECORD, case.key, None, (), "", created))
        refusal_code, refusal_text = "", ""
        if outcome == RS.REFUSED:
            codes = [code for code, _label in REFUSAL_CODES.get(service.kind, [("other", "")])]
            refusal_code = rng.choice(codes)
            if refusal_code == "other":
                refusal_text = "Pas de réponse possible avant le mois prochain."
        referral_id = ctx.id("referral", case.index, number)
        ref = ctx.ref("R", case.index * REFERRALS_PER_CASE + number)
        related = ("referral", ref, referral_id)
        was_sent = not (outcome == RS.WITHDRAWN and rng.random() < 0.5)
        gen.journal((user, org_id, Action.REFERRAL_CREATE, case.key, related, groups, "", created))
        steps = [(RS.DRAFT, created, referent)]
        if was_sent:
            steps.append((RS.SENT, sent, referent))
        answerer = (gen.member(service.organisation, *WORKERS), to_org)
        if outcome == RS.ACKNOWLEDGED or (
            outcome in (RS.ACCEPTED, RS.REFUSED) and rng.random() < 0.5
        ):
            steps.append((RS.ACKNOWLEDGED, sent + (answered - sent) / 2, answerer))
        if outcome not in (RS.SENT, RS.ACKNOWLEDGED):
            who = referent if outcome == RS.WITHDRAWN else answerer
            steps.append((outcome, answered, None if outcome == RS.EXPIRED else who))
        link = ctx.links["referral"].format(ref=ref)
        previous = ""
        for version, (status, at, who) in enumerate(steps, start=1):
            gen.log("referral_transition", referral_id, previous, status, at, who)
            if previous:
                reason = f"{previous}>{status}" + (
                    f":{refusal_code}" if refusal_code and status == RS.REFUSED else ""
                )
                actor = who or (None, None)
                gen.journal((*actor, Action.REFERRAL_STATUS, case.key, related, (), reason, at))
                if status in TOLD and not (previous == RS.DRAFT and status == RS.WITHDRAWN):
                    side, notice = TOLD[status]
                    gen.notify(notice, to_org if side == "to" else org_id, ref, link, at,
                               f"referral:{referral_id}:{version}")  # fmt: skip
            previous = status
        gen.rows["referral"].append(
            (referral_id, ref, case.id, service.pk, org_id, to_org,
             seal["referral.purpose"](rng.choice(PURPOSES)), gen.json(groups), outcome,
             refusal_code, seal["referral.refusal_text"](refusal_text), kind, legal, consent_id,
             gen.token(), len(steps), dt(created), dt(sent) if was_sent else None,
             dt(answered) if outcome in (RS.ACCEPTED, RS.REFUSED) else None, user)
        )  # fmt: skip
        if outcome == RS.ACCEPTED and to_org not in case.taking_part:
            role = PARTICIPANT_ROLE.get(service.kind, ParticipantRole.SUPPORT)
            _add_participant(gen, case, answerer, to_org, role, groups,
                             (kind, consent_date, legal), answered)  # fmt: skip
            if answerer[0] is not None:
                case.involved.append(answerer)


def _facts(gen: _Gen, case) -> None:
    """Answers to the rights engine's questions on 40 % of cases, given by the referent once
    (as ``rights.services.record_fact`` writes them): an address, resources, health cover; for
    half of them the end of a residence card or receipt (from two months ago to two years
    ahead); for some adults, care by child welfare before 18."""
    rng = gen.rng
    if rng.random() >= 0.4:
        return
    user, org_id = case.referent
    at = gen.moment(case.opened, case.end)
    facts = {
        "has_address": rng.random() < 0.4,
        "has_resources": rng.random() < 0.3,
        "has_health_cover": rng.random() < 0.5,
    }
    if rng.random() < 0.5:
        ends = gen.today + datetime.timedelta(days=rng.randint(-60, 730))
        facts["card_expires_on"] = ends.isoformat()
    if not case.minor and rng.random() < 0.2:
        facts["in_child_welfare_before_18"] = rng.random() < 0.5
    seal = gen.seal["fact.value"]
    for name, value in facts.items():
        gen.rows["fact"].append((case.id, name, seal(value), gen.dt(at), user, org_id))
        gen.journal((user, org_id, Action.FACT_RECORD, case.key, None, (FACTS[name].group,),
                     name, at))  # fmt: skip


def _contacts(gen: _Gen, case) -> None:
    rng, dt, rows = gen.rng, gen.dt, gen.rows["contact"]
    seal = gen.seal["contact.note"]
    referent, involved = case.referent, case.involved
    last = case.opened
    for at in gen.moments(case.opened, case.end, rng.randint(3, 16)):  # 9.5 on average
        who = referent if not involved or rng.random() < 0.75 else rng.choice(involved)
        channel = rng.choices(CHANNELS, cum_weights=CHANNEL_WEIGHTS)[0]
        note = rng.choice(CONTACT_NOTES)
        rows.append((case.id, dt(at), channel, who[0], who[1], seal(note), gen.token()))
        gen.event(case, who, EventKind.CONTACT, at, summary=note, data={"channel": channel})
        gen.journal((*who, Action.LOG_CONTACT, case.key, None, (G.SOCIAL,), "", at))
        if channel != ContactChannel.NO_ANSWER:
            last = max(last, at)
    case.last_contact = last


def _notes(gen: _Gen, case) -> None:
    rng, referent = gen.rng, case.referent
    for at in gen.moments(case.opened, case.end, rng.randint(1, 6)):
        group = rng.choices(NOTE_GROUPS, cum_weights=NOTE_WEIGHTS)[0]
        gen.event(case, referent, EventKind.NOTE, at, group=group,
                  summary=rng.choice(NOTES[group]))  # fmt: skip
        gen.journal((*referent, Action.ADD_NOTE, case.key, None, (group,), "", at))


def _task(gen, case, *, title, owner_org, due_on, at, by, done_at=None, done_by=None) -> int:
    """A task (``cases.tasks.create_task``, closed by ``close_task`` when ``done_at``)."""
    task_id = gen.ctx.id("task", case.index, case.tasks)
    case.tasks += 1
    gen.rows["task"].append(
        (task_id, case.id, gen.seal["task.title"](title), owner_org, gen.date(due_on),
         "done" if done_at else "open", gen.dt(at), by[0], gen.dt(done_at), done_by)
    )  # fmt: skip
    gen.journal((*by, Action.ADD_TASK, case.key, None, (G.SOCIAL,), "", at))
    if done_at is not None:
        gen.journal((done_by, owner_org, Action.CLOSE_TASK, case.key, None, (G.SOCIAL,), "",
                     done_at))  # fmt: skip
    return task_id


def _tasks(gen: _Gen, case) -> None:
    rng, involved = gen.rng, case.involved
    for at in gen.moments(case.opened, case.end, rng.randint(0, 3)):
        owner = rng.choice(involved) if involved and rng.random() < 0.4 else case.referent
        done = case.status == S.CLOSED or rng.random() < 0.5
        _task(
            gen,
            case,
            title=rng.choice(TASKS),
            owner_org=owner[1],
            due_on=(at + datetime.timedelta(days=rng.randint(3, 30))).date(),
            at=at,
            by=case.referent,
            done_at=gen.moment(at, case.end) if done else None,
            done_by=owner[0] if done else None,
        )


def _appointments(gen: _Gen, case) -> None:
    """Appointments on 45 % of cases (``cases.appointments.plan``): planned ahead, attended by
    the referent and organisations taking part, a few cancelled."""
    rng, ctx, seal, dt = gen.rng, gen.ctx, gen.seal, gen.dt
    if rng.random() >= 0.45:
        return
    user, org_id = case.referent
    for number, created in enumerate(gen.moments(case.opened, case.end, rng.randint(1, 3))):
        appointment_id = ctx.id("appointment", case.index, number)
        at = created + datetime.timedelta(seconds=rng.uniform(86400, 20 * 86400))
        at = at.replace(minute=rng.choice((0, 15, 30, 45)), second=0, microsecond=0)
        purpose, place = rng.choice(APPOINTMENTS)
        where = None
        if rng.random() < 0.5:
            lat, lon = departement_point(case.dep)
            where = {"departement": case.dep, "lat": round(lat, 2), "lon": round(lon, 2)}
        cancelled = gen.moment(created, min(at, gen.now)) if rng.random() < 0.08 else None
        gen.rows["appointment"].append(
            (appointment_id, case.id, dt(at), seal["appointment.purpose"](purpose),
             seal["appointment.place"](place), seal["appointment.where"](where), dt(created),
             user, dt(cancelled))
        )  # fmt: skip
        others = list(case.taking_part)
        attendees = {org_id, *rng.sample(others, k=min(len(others), rng.randint(0, 2)))}
        gen.rows["attendee"].extend((appointment_id, org) for org in sorted(attendees))
        gen.journal((user, org_id, Action.PLAN_APPOINTMENT, case.key, None,
                     [G.SOCIAL, G.LOCATION], "", created))  # fmt: skip


def _conference(gen: _Gen, case) -> None:
    """A case conference on 8 % of cases with participants (``conferences.services``):
    convened by the referent with its agenda, the invited organisations notified; then held
    (the person's consent, attendance, decisions that became tasks) or cancelled, or still to
    come."""
    rng, ctx, seal, dt = gen.rng, gen.ctx, gen.seal, gen.dt
    if not case.taking_part or rng.random() >= 0.08:
        return
    referent = user, org_id = case.referent
    conference_id = ctx.id("conference", case.index)
    convened = gen.moment(case.opened, case.end)
    at = convened + datetime.timedelta(seconds=rng.uniform(5 * 86400, 20 * 86400))
    at = at.replace(minute=0, second=0, microsecond=0)
    if at > gen.now:
        status = CS.PLANNED
    else:
        status = CS.HELD if rng.random() < 0.8 else CS.CANCELLED
    invited = [org_id, *sorted(case.taking_part)]
    items = rng.sample(AGENDA_GROUPS, k=rng.randint(1, 3))
    link = ctx.links["conference"].format(ref=case.ref, pk=conference_id)
    data = {"conference": conference_id, "status": CS.PLANNED, "date": at.isoformat()}
    gen.event(case, referent, EventKind.CONFERENCE, convened, data=data)
    gen.journal((user, org_id, Action.CONFERENCE_CONVENE, case.key, None, items,
                 f"conference:{conference_id}", convened))  # fmt: skip
    for org in invited[1:]:
        gen.notify("conference_convened", org, case.ref, link, convened,
                   f"conference:{conference_id}:convened:{org}")  # fmt: skip
    for position, group in enumerate(items, start=1):
        gen.rows["agenda"].append(
            (conference_id, position, group, seal["agenda.text"](rng.choice(AGENDA[group])))
        )
    person_invited = rng.random() < 0.5
    person_attended = None
    attended = dict.fromkeys(invited)
    recorded = recorded_by = cancelled = cancelled_by = None
    reason, version = "", 1
    if status == CS.HELD:
        given = gen.moment(convened, at)
        how = rng.choice(CONSENT_METHODS)
        gen.rows["conference_consent"].append(
            (conference_id, gen.date(given.date()), how,
             seal["conference_consent.language"](rng.choice(LANGUAGES)),
             seal["conference_consent.interpreter"](""), user, dt(given))
        )  # fmt: skip
        gen.journal((user, org_id, Action.CONFERENCE_CONSENT, case.key, None, (),
                     f"conference:{conference_id}:{how}", given))  # fmt: skip
        recorded = min(at + datetime.timedelta(seconds=rng.uniform(3600, 3 * 86400)), gen.now)
        recorded_by = user
        attended = {org: org == org_id or rng.random() < 0.8 for org in invited}
        person_attended = (rng.random() < 0.7) if person_invited else None
        owners, decided = {}, items[: rng.randint(1, 2)]
        for position, group in enumerate(decided, start=1):
            able = [org for org in invited[1:] if group in case.taking_part[org]]
            owner = rng.choice(able) if able and rng.random() < 0.5 else org_id
            text = DECISIONS[group]
            title = (
                text
                if group == G.SOCIAL
                else NEUTRAL_TASK.format(date=at.strftime("%d/%m/%Y %H:%M"))
            )
            due_on = (recorded + datetime.timedelta(days=rng.randint(7, 30))).date()
            task_id = _task(gen, case, title=title, owner_org=owner, due_on=due_on, at=recorded,
                            by=referent)  # fmt: skip
            gen.rows["decision"].append(
                (conference_id, position, group, seal["decision.text"](text), owner,
                 gen.date(due_on), task_id)
            )  # fmt: skip
            owners[owner] = group
        data = {"conference": conference_id, "status": CS.HELD, "date": at.isoformat(),
                "decisions": len(decided)}  # fmt: skip
        gen.event(case, referent, EventKind.CONFERENCE, recorded, data=data)
        groups = sorted_groups_fast(decided)
        gen.journal((user, org_id, Action.CONFERENCE_RECORD, case.key, None, groups,
                     f"conference:{conference_id}", recorded))  # fmt: skip
        for org in owners:
            if org != org_id:
                gen.notify("task_assigned", org, case.ref, link, recorded,
                           f"conference:{conference_id}:tasks:{org}")  # fmt: skip
        version = 3
    elif status == CS.CANCELLED:
        cancelled, cancelled_by = gen.moment(convened, at), user
        reason = rng.choice(CANCEL_REASONS)
        data = {"conference": conference_id, "status": CS.CANCELLED, "date": at.isoformat()}
        gen.event(case, referent, EventKind.CONFERENCE, cancelled, data=data)
        gen.journal((user, org_id, Action.CONFERENCE_CANCEL, case.key, None, (),
                     f"conference:{conference_id}", cancelled))  # fmt: skip
        for org in invited[1:]:
            gen.notify("conference_cancelled", org, case.ref, link, cancelled,
                       f"conference:{conference_id}:cancelled:{org}")  # fmt: skip
        version = 2
    for org in invited:
        gen.rows["invitation"].append((conference_id, org, attended[org]))
    gen.rows["conference"].append(
        (conference_id, case.id, dt(at), seal["conference.place"](rng.choice(CONFERENCE_PLACES)),
         person_invited, person_attended, status, org_id, user, dt(convened), dt(recorded),
         recorded_by, dt(cancelled), cancelled_by, seal["conference.cancel_reason"](reason),
         version)
    )  # fmt: skip
