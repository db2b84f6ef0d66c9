"""People and their pathways, one batch at a time: the person (encrypted identity and search
tokens), one case each with its status history, participants, timeline events, contact log,
tasks, referrals (consents, coded refusals, transitions) and the journal entries of it all.

:func:`generate` builds a :class:`Batch` of unsaved model instances from a ``random.Random``
(seeded from the run's seed and the batch number: the same batch makes the same data) and the
:class:`~parcours.demo.seed.country.Country`; ``load.write`` saves it. The shapes follow what
the issue measured on a generator: ~20 events, ~9.5 contacts, 1-4 participants per case,
referrals on 30 % of cases, ~19 journal entries per case. Texts are short fictional phrases;
event data hold codes and ids only, as everywhere.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field

from parcours.audit.enums import Action
from parcours.cases.enums import (
    CaseStatus,
    ContactChannel,
    EventKind,
    LegalBasis,
    ParticipantRole,
    SharingBasis,
)
from parcours.cases.models import Case, Contact, Event, Participant, Task, Transition
from parcours.core.groups import ALL_GROUPS, FieldGroup, sorted_groups
from parcours.core.models import ConsentMethod
from parcours.core.refs import ALPHABET, _check_char
from parcours.core.roles import OrganisationKind as K
from parcours.core.roles import Role as R
from parcours.demo.seed import names
from parcours.people.models import Person
from parcours.people.search import tokens_for
from parcours.referrals.enums import REFUSAL_CODES, ReferralStatus
from parcours.referrals.models import Consent, Referral, ReferralTransition
from parcours.referrals.services import PARTICIPANT_ROLE

G = FieldGroup
S = CaseStatus
RS = ReferralStatus
DAY = datetime.timedelta(days=1)
REF_SPACE = len(ALPHABET) ** 5
# An odd multiplier is a bijection of 0..32^5-1: consecutive people get scattered references.
REF_SCRAMBLE = 0x5BD1E995 % REF_SPACE | 1


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


@dataclass(frozen=True)
class Who:
    """Who did something, for the journal (``audit.journal`` reads ``user`` and
    ``organisation``)."""

    user: object
    organisation: object


@dataclass
class Batch:
    people: list = field(default_factory=list)
    tokens: list = field(default_factory=list)  # (person, kind, digest)
    cases: list = field(default_factory=list)
    transitions: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    events: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    referral_transitions: list = field(default_factory=list)
    journal: list = field(default_factory=list)  # rows for audit.journal.record_entries

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in vars(self).items()}


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
CONTACT_NOTES = ("Va mieux.", "Rendez-vous confirmé.", "Inquiète pour sa famille.", "")
TASKS = (
    "Prendre rendez-vous à la préfecture",
    "Demander la domiciliation",
    "Ouvrir les droits à la santé",
    "Chercher un interprète",
    "Préparer le dossier jeune majeur",
)
PURPOSES = ("Mise à l'abri", "Ouverture des droits", "Accompagnement", "Dépôt de plainte")

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
WORKERS = (R.CASEWORKER, R.MANAGER, R.INVESTIGATOR, R.FACILITY_STAFF)


# -- generation -------------------------------------------------------------------------------


def _birth(rng: random.Random, age: int, on: datetime.date) -> dict:
    year = on.year - age - (1 if rng.random() < 0.5 else 0)
    shape = rng.random()
    if shape < 0.7:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        return {"year": year, "month": month, "day": day, "approximate": False}
    if shape < 0.8:
        return {"year": year, "month": rng.randint(1, 12), "day": None, "approximate": False}
    return {"year": year, "month": None, "day": None, "approximate": True}


def _person(rng: random.Random, ref: str, today: datetime.date) -> tuple[Person, bool]:
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
    person = Person(
        ref=ref,
        family_name=name.family_name,
        given_names=name.given_names,
        aliases=list(name.aliases),
        birth_date=_birth(rng, age, today),
        sex=rng.choices(["F", "M", "X"], weights=[64, 34, 2])[0],
        nationalities=[rng.choice(culture.nationalities)],
        languages=languages,
        phone=phone,
        location_now=rng.choice(LOCATION),
        safety_notes=rng.choice(SAFETY),
        health_notes=rng.choice(HEALTH),
        justice_notes=rng.choice(JUSTICE),
        immigration_notes=rng.choice(IMMIGRATION) if culture.code != "fr" else "",
        social_notes=rng.choice(SOCIAL),
    )
    return person, person.age_on(today) < 18  # what the sharing basis depends on


def _referent(rng, country, dep, minor):
    """The organisation that holds the case, and the member who opened it."""
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
    return org, country.member(rng, org, R.CASEWORKER, R.MANAGER)


def _moments(rng, start: datetime.datetime, end: datetime.datetime, count: int) -> list:
    span = max((end - start).total_seconds(), 60.0)
    return sorted(start + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))


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


def generate(rng: random.Random, country, *, first_index: int, count: int, now) -> Batch:
    """``count`` people (the ``first_index``-th seeded person onwards) and their pathways."""
    batch = Batch()
    today = now.date()
    for offset in range(count):
        index = first_index + offset
        _pathway(rng, country, batch, index, now, today)
    return batch


def _pathway(rng, country, batch: Batch, index: int, now, today) -> None:
    dep = rng.choices(country.departements, weights=country.weights)[0]
    person, minor = _person(rng, seeded_ref("P", index), today)
    batch.people.append(person)
    batch.tokens.extend((person, kind, digest) for kind, digest in sorted(tokens_for(person)))

    org, user = _referent(rng, country, dep, minor)
    referent = Who(user, org)
    opened = now - datetime.timedelta(seconds=rng.uniform(DAY.total_seconds(), 3 * 365 * 86400))
    path = _status_path(rng)
    moves = _moments(rng, opened + DAY / 4, now - DAY / 24, len(path))
    closed_at = moves[-1] if path and path[-1] == S.CLOSED else None
    end = closed_at or now
    case = Case(
        ref=seeded_ref("C", index),
        person=person,
        episode=1,
        referent_org=org,
        referent_user=user,
        status=path[-1] if path else S.OPEN,
        opened_at=opened,
        closed_at=closed_at,
        created_by=user,
        last_contact_at=opened,
        intake_token=uuid.UUID(int=rng.getrandbits(128), version=4),
    )
    case.seed_index = index
    batch.cases.append(case)
    journal = batch.journal
    # Opening: the log, the event, the journal (as services.open_case writes them).
    batch.transitions.append(
        Transition(case=case, from_status="", to_status=S.OPEN, at=opened, by_user=user, by_org=org)
    )
    _event(batch, case, referent, EventKind.OPENED, opened, summary=rng.choice(FIRST_CONTACT))
    journal.append((referent, Action.CREATE_CASE, case, person, ALL_GROUPS, "", opened))
    previous = S.OPEN
    for status, at in zip(path, moves, strict=True):
        batch.transitions.append(
            Transition(
                case=case, from_status=previous, to_status=status, at=at, by_user=user, by_org=org
            )
        )
        _event(batch, case, referent, EventKind.STATUS, at, data={"from": previous, "to": status})
        journal.append((referent, Action.CHANGE_STATUS, case, None, (), f"{previous}>{status}", at))
        previous = status

    involved = _participants(rng, country, batch, case, referent, dep, minor, opened, end)
    _referrals(rng, country, batch, case, referent, dep, minor, opened, end, involved)
    _contacts(rng, country, batch, case, referent, involved, opened, end)
    _notes(rng, batch, case, referent, opened, end)
    _tasks(rng, batch, case, referent, involved, opened, end, today)
    if rng.random() < 0.5:  # someone of a participant read the case
        who = rng.choice(involved) if involved else referent
        at = _moments(rng, opened, end, 1)[0]
        journal.append((who, Action.VIEW_CASE, case, person, (G.IDENTITY,), "", at))


def _event(batch, case, who, kind, at, *, group=G.SOCIAL, summary="", data=None) -> None:
    batch.events.append(
        Event(
            case=case,
            kind=kind,
            group=group,
            at=at,
            by_user=who.user,
            by_org=who.organisation,
            summary=summary,
            data=data or {},
        )
    )


def _basis(rng, minor: bool, on: datetime.date) -> tuple[str, datetime.date | None, str]:
    if minor:
        return SharingBasis.LEGAL, None, LegalBasis.CHILD_PROTECTION
    if rng.random() < 0.08:
        return SharingBasis.LEGAL, None, LegalBasis.SOCIAL_ACTION
    return SharingBasis.CONSENT, on, ""


def _add_participant(batch, case, referent, org, role, groups, basis, at) -> Participant:
    kind, consent_date, legal = basis
    participant = Participant(
        case=case,
        organisation=org,
        role=role,
        groups=sorted_groups(groups),
        basis=kind,
        consent_date=consent_date,
        legal_basis=legal,
        added_at=at,
        added_by=referent.user,
    )
    batch.participants.append(participant)
    group = G.LOCATION if role == ParticipantRole.SHELTER else G.SOCIAL
    _event(batch, case, referent, EventKind.PARTICIPANT_ADDED, at, group=group,
           data={"organisation_id": org.pk})  # fmt: skip
    reason = f"{kind}:{legal}" if legal else kind
    batch.journal.append(
        (referent, Action.ADD_PARTICIPANT, case, None, participant.groups, reason, at)
    )
    return participant


def _participants(rng, country, batch, case, referent, dep, minor, opened, end) -> list[Who]:
    """1 to 4 organisations of the département take part (one may have left since)."""
    kinds = list(PARTICIPATION)
    if minor:
        kinds = [K.CHILD_WELFARE, K.POLICE, K.GENDARMERIE, K.SHELTER_FACILITY, K.ASSOCIATION]
    candidates = [
        o for kind in kinds for o in country.of_kind(dep, kind) if o.pk != case.referent_org_id
    ]
    chosen = rng.sample(candidates, k=min(len(candidates), rng.randint(1, 4)))
    involved = []
    for org, at in zip(chosen, _moments(rng, opened, end, len(chosen)), strict=True):
        role, groups = PARTICIPATION[org.kind]
        participant = _add_participant(
            batch, case, referent, org, role, groups, _basis(rng, minor, at.date()), at
        )
        if rng.random() < 0.1:  # ended later
            ended = _moments(rng, at, end, 1)[0]
            participant.active, participant.ended_at = False, ended
            _event(batch, case, referent, EventKind.PARTICIPANT_ENDED, ended,
                   data={"organisation_id": org.pk})  # fmt: skip
            batch.journal.append(
                (referent, Action.END_PARTICIPANT, case, None, participant.groups, "", ended)
            )
            continue
        member = country.member(rng, org, *WORKERS)
        if member is not None:
            involved.append(Who(member, org))
    return involved


REFERRALS_PER_CASE = 3  # at most; their references are numbered from the case's
REFERRAL_OUTCOMES = (
    (RS.REFUSED, 35),
    (RS.ACCEPTED, 30),
    (RS.SENT, 8),
    (RS.ACKNOWLEDGED, 7),
    (RS.EXPIRED, 10),
    (RS.WITHDRAWN, 10),
)


def _referrals(rng, country, batch, case, referent, dep, minor, opened, end, involved) -> None:
    """Referrals on 30 % of cases, 1 to 3 each, with their answers (coded refusals)."""
    if rng.random() >= 0.3:
        return
    services = [
        s for s in country.services.get(dep, []) if s.organisation_id != case.referent_org_id
    ]
    if not services:
        return
    taking_part = {p.organisation_id for p in batch.participants if p.case is case and p.active}
    chosen = rng.sample(services, k=min(len(services), rng.randint(1, REFERRALS_PER_CASE)))
    for number, service in enumerate(chosen):
        created, sent, answered = _moments(rng, opened, end, 3)
        outcome = rng.choices(*zip(*REFERRAL_OUTCOMES, strict=True))[0]
        kind, consent_date, legal = _basis(rng, minor, created.date())
        groups = sorted_groups({G.IDENTITY, G.SOCIAL})
        consent = None
        if kind == SharingBasis.CONSENT:
            consent = Consent(
                case=case,
                recipient=service.organisation,
                purpose=rng.choice(PURPOSES),
                given_on=created.date(),
                how=rng.choice(ConsentMethod.values),
                language=rng.choice(("français", "anglais", "arabe", "roumain")),
                recorded_by=referent.user,
                recorded_at=created,
            )
            batch.consents.append(consent)
            batch.journal.append((referent, Action.CONSENT_RECORD, case, None, (), "", created))
        refusal_code, refusal_text = "", ""
        if outcome == RS.REFUSED:
            codes = [code for code, _label in REFUSAL_CODES.get(service.kind, [("other", "")])]
            refusal_code = rng.choice(codes)
            if refusal_code == "other":
                refusal_text = "Pas de réponse possible avant le mois prochain."
        referral = Referral(
            ref=seeded_ref("R", case.seed_index * REFERRALS_PER_CASE + number),
            case=case,
            service=service,
            from_org=case.referent_org,
            to_org=service.organisation,
            purpose=rng.choice(PURPOSES),
            shared_groups=groups,
            status=outcome,
            refusal_code=refusal_code,
            refusal_text=refusal_text,
            basis=kind,
            legal_basis=legal,
            consent=consent,
            request_token=uuid.UUID(int=rng.getrandbits(128), version=4),
            created_at=created,
            sent_at=None if outcome == RS.WITHDRAWN and rng.random() < 0.5 else sent,
            answered_at=answered if outcome in (RS.ACCEPTED, RS.REFUSED) else None,
            created_by=referent.user,
        )
        batch.referrals.append(referral)
        batch.journal.append(
            (referent, Action.REFERRAL_CREATE, case, referral, groups, "", created)
        )
        steps = [(RS.DRAFT, created, referent)]
        if referral.sent_at is not None:
            steps.append((RS.SENT, sent, referent))
        answerer = Who(country.member(rng, service.organisation, *WORKERS), service.organisation)
        if outcome == RS.ACKNOWLEDGED or (
            outcome in (RS.ACCEPTED, RS.REFUSED) and rng.random() < 0.5
        ):
            steps.append((RS.ACKNOWLEDGED, sent + (answered - sent) / 2, answerer))
        if outcome not in (RS.SENT, RS.ACKNOWLEDGED):
            who = referent if outcome == RS.WITHDRAWN else answerer
            steps.append((outcome, answered, None if outcome == RS.EXPIRED else who))
        previous = ""
        for status, at, who in steps:
            batch.referral_transitions.append(
                ReferralTransition(
                    referral=referral,
                    from_status=previous,
                    to_status=status,
                    at=at,
                    by_user=who.user if who else None,
                    by_org=who.organisation if who else None,
                )
            )
            if previous:
                reason = f"{previous}>{status}" + (
                    f":{refusal_code}" if refusal_code and status == RS.REFUSED else ""
                )
                batch.journal.append((who, Action.REFERRAL_STATUS, case, referral, (), reason, at))
            previous = status
        if outcome == RS.ACCEPTED and service.organisation_id not in taking_part:
            role = PARTICIPANT_ROLE.get(service.kind, ParticipantRole.SUPPORT)
            _add_participant(batch, case, answerer, service.organisation, role, groups,
                             (kind, consent_date, legal), answered)  # fmt: skip
            taking_part.add(service.organisation_id)
            if answerer.user is not None:
                involved.append(answerer)


def _contacts(rng, country, batch, case, referent, involved, opened, end) -> None:
    count = rng.randint(3, 16)  # 9.5 on average
    last = opened
    for at in _moments(rng, opened, end, count):
        who = referent if not involved or rng.random() < 0.75 else rng.choice(involved)
        channel = rng.choices(ContactChannel.values, weights=[35, 35, 15, 15])[0]
        note = rng.choice(CONTACT_NOTES)
        batch.contacts.append(
            Contact(
                case=case,
                at=at,
                channel=channel,
                by_user=who.user,
                by_org=who.organisation,
                note=note,
                request_token=uuid.UUID(int=rng.getrandbits(128), version=4),
            )
        )
        _event(batch, case, who, EventKind.CONTACT, at, summary=note, data={"channel": channel})
        batch.journal.append((who, Action.LOG_CONTACT, case, None, (G.SOCIAL,), "", at))
        if channel != ContactChannel.NO_ANSWER:
            last = max(last, at)
    case.last_contact_at = last


def _notes(rng, batch, case, referent, opened, end) -> None:
    for at in _moments(rng, opened, end, rng.randint(1, 6)):
        group = rng.choices(list(NOTES), weights=[6, 2, 2, 1, 1])[0]
        _event(batch, case, referent, EventKind.NOTE, at, group=group,
               summary=rng.choice(NOTES[group]))  # fmt: skip
        batch.journal.append((referent, Action.ADD_NOTE, case, None, (group,), "", at))


def _tasks(rng, batch, case, referent, involved, opened, end, today) -> None:
    for at in _moments(rng, opened, end, rng.randint(0, 3)):
        owner = rng.choice(involved) if involved and rng.random() < 0.4 else referent
        done = case.status == S.CLOSED or rng.random() < 0.5
        done_at = _moments(rng, at, end, 1)[0] if done else None
        batch.tasks.append(
            Task(
                case=case,
                title=rng.choice(TASKS),
                owner_org=owner.organisation,
                due_on=(at + datetime.timedelta(days=rng.randint(3, 30))).date(),
                status=Task.Status.DONE if done else Task.Status.OPEN,
                created_at=at,
                created_by=referent.user,
                done_at=done_at,
                done_by=owner.user if done else None,
            )
        )
        batch.journal.append((referent, Action.ADD_TASK, case, None, (G.SOCIAL,), "", at))
        if done:
            batch.journal.append((owner, Action.CLOSE_TASK, case, None, (G.SOCIAL,), "", done_at))
