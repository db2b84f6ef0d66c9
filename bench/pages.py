"""Time the pages of issue 14 on a seeded country: medians, p95 and SQL queries per page.

    cd /work/main && .venv/bin/python bench/pages.py                  # 10,000 people, SQLite
    .venv/bin/python bench/pages.py --people 10000 --reuse            # keep the seeded database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py

The database is seeded by ``parcours seed`` (``parcours.demo.seed.run``, seed 42): a SQLite file
``/tmp/parcours_bench_<N>.sqlite3``, or, when ``DATABASE_URL`` names a PostgreSQL server, a
database ``parcours_bench_<N>`` created on that server. Without ``--reuse`` it is made afresh
and thrown away at the end; with ``--reuse`` an existing one is kept, completed if a seeding was
interrupted, and left for the next run (seeding takes about 184 people/s).

The pages of issue 14, item 5: "my cases" (the association's caseworker: unfiltered, followed
by me, my organisation; the territorial coordinator: page 1 and her last page), the case page
(its referent, a participant, the territorial coordinator), searches (a common given name, a
rare family name), the person page with a long history, the ranked list of safe places, and two
writes: a referral sent and an availability update. The personas are picked from the seeded
data (the association whose case count is nearest 50, the territorial coordinator of the
département with the most cases, ...) and signed in as ``tests.personas.sign_in`` does
(``force_login`` and the session's record of a second factor).

Each page is requested in-process by Django's test ``Client``: 3 warm-up requests, then
``--requests`` timed ones, then 5 more whose SQL queries are counted (``CaptureQueriesContext``)
and timed one by one. A write is warmed up by 3 GETs of its page, then posted ``--requests``
times (a fresh idempotency token, the current version), the last 5 posts counted as well: the
timed posts are the only writes of the timing, and each must answer the page's redirect. The
output is a Markdown table, then one line per page ``<label>  p50 <x> ms  p95 <y> ms  queries
<n>``. ``--explain`` prints the plans of each page's two slowest SELECTs (``EXPLAIN ANALYZE`` on
PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite), ``--profile`` a cProfile of one request of the
slowest read page. The data are fictional.
"""

import argparse
import math
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.gettempdir())  # /tmp here
SEED = 42
WARM_UP = 3
COUNTED = 5  # requests whose queries are counted and timed, after the timed ones


# -- the database -----------------------------------------------------------------------------


def _postgres(url: str, name: str, reuse: bool) -> str:
    """The URL of database ``name`` on the server of ``url``, created (afresh unless ``reuse``)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reuse:
            admin.execute(f'DROP DATABASE "{name}"')
        if not exists or not reuse:
            admin.execute(f'CREATE DATABASE "{name}"')
    prefix, _, _old = url.rpartition("/")
    return f"{prefix}/{name}"


def _drop_postgres(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _drop_sqlite(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def release(reuse: bool, server_url: str, name: str) -> None:
    """After a run: close the connections, then keep the database (``--reuse``, said on
    stderr) or drop it (``configure``'s server URL and name)."""
    from django.db import connections

    connections.close_all()
    if reuse:
        print(f"database kept for --reuse: {name}", file=sys.stderr)
    elif server_url:
        _drop_postgres(server_url, name)
    else:
        _drop_sqlite(Path(name))


def configure(people: int, reuse: bool) -> tuple[str, str]:
    """Point the settings at the benchmark's database (before ``django.setup``); returns the
    server URL to drop the database from afterwards (empty for SQLite) and the database name."""
    os.environ["PARCOURS_MODE"] = "test"  # fixed test keys: a reused database still decrypts
    os.environ["DJANGO_SETTINGS_MODULE"] = "parcours.settings"
    data_dir = TMP / "parcours_bench_data"
    data_dir.mkdir(exist_ok=True)
    os.environ["PARCOURS_DATA_DIR"] = str(data_dir)
    name = f"parcours_bench_{people}"
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = _postgres(url, name, reuse)
        return url, name
    path = TMP / f"{name}.sqlite3"
    if not reuse:
        _drop_sqlite(path)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return "", str(path)


def seed_country(people: int, batch: int) -> float:
    """Migrate and seed up to ``people`` people (continuing an interrupted run); seconds spent."""
    from django.core.management import call_command
    from django.db.models import Sum

    from parcours.demo import seed
    from parcours.demo.models import SeedRun

    call_command("migrate", verbosity=0)
    done = SeedRun.objects.aggregate(done=Sum("people_done"))["done"] or 0
    if done >= people:
        return 0.0
    started = time.perf_counter()
    run = SeedRun.objects.filter(seed=SEED).first()
    seed.run(
        people_count=people,
        batch_size=run.batch_size if run else batch,
        seed=SEED,
        stream=sys.stderr,
    )
    return time.perf_counter() - started


# -- the personas -----------------------------------------------------------------------------

# Whom to prefer among an organisation's members reading a case it takes part in.
READER_ROLES = ("caseworker", "manager", "facility_staff", "investigator", "coordinator")


@dataclass
class Referral:
    """What the benchmark posts to the new-referral form of ``case`` as its referent."""

    case: object
    user: object  # the case's referent caseworker
    service: object  # a service of the directory the form accepts (another organisation)
    basis: str  # consent when the person consented to the service's organisation
    legal_basis: str


@dataclass
class Personas:
    association: object  # the organisation whose case count is nearest 50
    association_cases: int
    caseworker: object  # its caseworker following the most of its cases as referent
    own_cases: int  # the cases that caseworker follows ("followed by me")
    territorial: object  # coordinator of the territorial coordination of the busiest département
    departement: str
    departement_cases: int
    territorial_cases: int  # the cases she sees (her list, unfiltered)
    last_page: int  # the last page of her list
    middle_ref: str  # the case her list's middle page is read after (keyset: ``?apres=``)
    case: object  # the association's case with the most events
    case_events: int
    participant: object  # a member of an organisation taking part in a case, not its referent
    participant_case: object  # ``case`` when it has such a participant
    participant_case_events: int
    case_coordinator: object  # the territorial coordinator of the case's département
    coordinator_case: object  # ``case`` unless the person refused all sharing
    given_name: str  # the most frequent first given name among the association's people
    given_name_count: int
    given_name_national: int  # people of the whole country the name's tokens match
    rare_name: str  # a family name of the association's people matching one person nationally
    rare_national: int
    person: object  # the person with the most journal entries about them
    person_referent: object  # the referent caseworker of that person's case
    history_rows: int
    referral: Referral
    facility: object  # a facility whose availability its staff member updates
    facility_staff: object
    facility_empty: int  # the empty beds posted: the free places plus those promised (unchanged)
    placement_request: object  # a request whose places are ranked, on an assessed case
    placement_user: object  # the referent of its case
    history_added: int = 0
    fixtures: list = field(default_factory=list)  # what the benchmark wrote before timing


def _member(organisation, role):
    from parcours.accounts.models import Membership

    membership = (
        Membership.objects.filter(organisation=organisation, role=role, active=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        sys.exit(f"No active {role} in {organisation.name}: the seeded country is incomplete.")
    return membership.user


def _actor(user, organisation_id):
    """The actor ``user`` is when signed in (their first membership), if it acts for
    ``organisation_id``; None otherwise (the page would show another organisation's view)."""
    from parcours.core.actor import actor_for

    actor = actor_for(user)
    return actor if actor.organisation_id == organisation_id else None


def _sees(actor, case) -> bool:
    from parcours.access.scopes import visible_cases

    return actor is not None and visible_cases(actor).filter(pk=case.pk).exists()


def _caseworker(association):
    """The association's caseworker following the most of its cases as referent."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from parcours.accounts.models import Membership
    from parcours.cases.models import Case
    from parcours.core.roles import Role

    workers = Membership.objects.filter(
        organisation=association, role=Role.CASEWORKER, active=True
    ).values("user")
    rows = (
        Case.objects.filter(referent_org=association, referent_user__in=workers)
        .values("referent_user")
        .annotate(n=Count("pk"))
        .order_by("-n", "referent_user")
    )
    for row in rows:
        user = get_user_model().objects.get(pk=row["referent_user"])
        if _actor(user, association.pk) is not None:
            return user, row["n"]
    return _member(association, Role.CASEWORKER), 0


def _participant_reader(case):
    """A member of an organisation taking part in ``case`` (not its referent) who sees it."""
    from parcours.accounts.models import Membership
    from parcours.cases.models import Participant

    organisations = (
        Participant.objects.filter(case=case, active=True)
        .exclude(organisation_id=case.referent_org_id)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
    )
    for organisation_id in dict.fromkeys(organisations):
        members = Membership.objects.filter(
            organisation_id=organisation_id, active=True, role__in=READER_ROLES
        ).select_related("user")
        for membership in sorted(
            members, key=lambda m: (READER_ROLES.index(m.role), m.user.username)
        ):
            if _sees(_actor(membership.user, organisation_id), case):
                return membership.user
    return None


def _middle_ref(user, count) -> str:
    """The reference of the case that ends the page before the middle of ``user``'s list."""
    from parcours.access.scopes import visible_cases
    from parcours.core.actor import actor_for
    from parcours.www.cases.views import PAGE_SIZE

    page = max(2, math.ceil(count / PAGE_SIZE) // 2)
    cases = (
        visible_cases(actor_for(user)).order_by("-opened_at", "-pk").values_list("ref", flat=True)
    )
    return cases[min((page - 1) * PAGE_SIZE - 1, max(0, count - 1))]


def _territorial_coordinator(departement):
    from parcours.accounts.models import Organisation
    from parcours.core.roles import OrganisationKind, Role
    from parcours.demo.seed.country import SUFFIX

    coordination = Organisation.objects.get(
        kind=OrganisationKind.TERRITORIAL_COORDINATOR,
        departement=departement,
        name__endswith=SUFFIX,
    )
    return _member(coordination, Role.COORDINATOR)


def _rare_name(people) -> tuple[str, int]:
    """A family name of ``people`` (the association's, decrypted) that matches one person in
    the country; else the one matching the fewest."""
    from parcours.people.search import matching_person_ids

    names = Counter(person.family_name.strip() for person in people if person.family_name.strip())
    fewest = ("", math.inf)
    for name in sorted(names, key=lambda name: (names[name], name))[:200]:
        found = len(matching_person_ids(name))
        if found == 1:
            return name, 1
        if 0 < found < fewest[1]:
            fewest = (name, found)
    if not fewest[0]:
        sys.exit("No family name of the association's people is found by the search.")
    return fewest


def _referral(association, avoid) -> Referral:
    """A case of the association (not one whose page is timed: its referrals grow with every
    run) whose referent caseworker may send a referral, and a service the form accepts: one
    whose organisation the person consented to (the common path) if any, else a legal basis."""
    from parcours.cases.enums import LegalBasis, SharingBasis
    from parcours.cases.models import Case
    from parcours.cases.participants import is_minor, sharing_refused
    from parcours.referrals import rules as referral_rules
    from parcours.referrals.directory import directory_search
    from parcours.referrals.models import Consent

    services = directory_search(departement=association.departement).exclude(
        organisation_id=association.pk
    )
    fallback = None
    cases = (
        Case.objects.filter(referent_org=association, referent_user__isnull=False)
        .exclude(pk__in=avoid)
        .select_related("person", "referent_org", "referent_user")
        .order_by("pk")
    )
    for case in cases:
        actor = _actor(case.referent_user, association.pk)
        if actor is None or not referral_rules.can_send_referral(actor, case):
            continue
        minor = is_minor(case)
        if not minor and not sharing_refused(case):
            consented = Consent.objects.filter(case=case, withdrawn_at__isnull=True).values(
                "recipient"
            )
            service = services.filter(organisation__in=consented).order_by("pk").first()
            if service is not None:
                return Referral(case, case.referent_user, service, SharingBasis.CONSENT, "")
        if fallback is None and (service := services.order_by("pk").first()) is not None:
            legal = LegalBasis.CHILD_PROTECTION if minor else LegalBasis.SOCIAL_ACTION
            fallback = Referral(case, case.referent_user, service, SharingBasis.LEGAL, legal)
    if fallback is None:
        sys.exit(f"No case of {association.name} can be referred to a service of the directory.")
    return fallback


def _facility():
    """A facility, its staff member (signed in for its organisation) and its empty beds (the
    free places plus those promised to proposals: posting them leaves the free places as they
    are)."""
    from parcours.accounts.models import Membership
    from parcours.core.roles import Role
    from parcours.shelter import network

    staff = (
        Membership.objects.filter(role=Role.FACILITY_STAFF, active=True, organisation__active=True)
        .select_related("user")
        .order_by("organisation_id", "user__username")
    )
    for membership in staff[:50]:
        actor = _actor(membership.user, membership.organisation_id)
        if actor is None:
            continue
        for facility in network.facilities_of(actor).order_by("pk"):
            empty = facility.free + network.held_places(facility)
            if empty <= facility.capacity:
                return facility, membership.user, empty
    sys.exit("No facility with an active staff member: the seeded country is incomplete.")


def _placement_request(referral: Referral, fixtures: list):
    """A placement request whose places can be ranked (its case's safety assessed), read by
    its case's referent; one with danger zones first. The seed writes them (a third of the
    cases put in safety); a database seeded before it had none: then one is created, on the
    referral's case, by the app's services (journaled), and kept for the next run."""
    from django.db import transaction
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from parcours.cases.participants import is_minor
    from parcours.shelter import placement, zones
    from parcours.shelter import rules as shelter_rules
    from parcours.shelter.enums import RiskLevel
    from parcours.shelter.models import DangerZone, PlacementRequest

    requests = PlacementRequest.objects.select_related(
        "case__person", "case__referent_org", "case__referent_user"
    ).order_by("pk")
    zoned = DangerZone.objects.filter(case=OuterRef("case"), removed_at__isnull=True)
    for found in (*requests.filter(Exists(zoned))[:20], *requests[:20]):
        case = found.case
        actor = case.referent_user and _actor(case.referent_user, case.referent_org_id)
        if (
            actor is not None
            and shelter_rules.can_manage_safety(actor, case)
            and not zones.needs_assessment(case)
        ):
            return found, case.referent_user
    case = referral.case
    actor = _actor(referral.user, case.referent_org_id)
    if not shelter_rules.can_manage_safety(actor, case):
        sys.exit(f"{referral.user.username} cannot ask for a safe place on {case.ref}.")
    with transaction.atomic():
        if zones.needs_assessment(case):
            zones.assess(actor, case, dangers=[], level=RiskLevel.MEDIUM)
            fixtures.append(f"the dangers of {case.ref} assessed (medium)")
        sex = case.person.sex if case.person.sex in ("F", "M", "X") else "X"
        created = placement.create_request(
            actor, case, sex=sex, minor=is_minor(case), consent_date=timezone.localdate()
        )
    fixtures.append(f"a placement request on {case.ref} (the seed wrote none)")
    return created, referral.user


def pick_personas(history_target: int) -> Personas:
    from django.db.models import Count

    from parcours.access.scopes import visible_cases
    from parcours.accounts.models import Organisation
    from parcours.audit.models import JournalEntry
    from parcours.cases.models import Case, Event
    from parcours.core.actor import actor_for
    from parcours.core.roles import OrganisationKind
    from parcours.demo.seed.country import SUFFIX
    from parcours.people.models import Person
    from parcours.people.search import matching_person_ids
    from parcours.www.cases.views import PAGE_SIZE

    counts = (
        Case.objects.filter(referent_org__kind=OrganisationKind.ASSOCIATION)
        .filter(referent_org__name__endswith=SUFFIX)
        .values("referent_org")
        .annotate(n=Count("pk"))
        .order_by()
    )
    best = min(counts, key=lambda row: (abs(row["n"] - 50), row["referent_org"]), default=None)
    if best is None:
        sys.exit("No seeded association holds a case: seed the database first.")
    association = Organisation.objects.get(pk=best["referent_org"])
    caseworker, own_cases = _caseworker(association)

    by_dep = (
        Case.objects.values("referent_org__departement")
        .annotate(n=Count("pk"))
        .order_by("-n", "referent_org__departement")
        .first()
    )
    dep = by_dep["referent_org__departement"]
    territorial = _territorial_coordinator(dep)
    territorial_cases = visible_cases(actor_for(territorial)).count()

    # The association's cases, most events first: the case page's, then the first one with a
    # participant reader, and the first one its territorial coordinator sees.
    by_events = list(
        Event.objects.filter(case__referent_org=association)
        .values("case")
        .annotate(n=Count("pk"))
        .order_by("-n", "case")
    )
    events = {row["case"]: row["n"] for row in by_events}
    cases = Case.objects.select_related("referent_user", "referent_org", "person")
    case = cases.get(pk=by_events[0]["case"])
    participant = participant_case = None
    for row in by_events[:100]:
        candidate = case if row["case"] == case.pk else cases.get(pk=row["case"])
        participant = _participant_reader(candidate)
        if participant is not None:
            participant_case = candidate
            break
    if participant is None:
        sys.exit(f"No case of {association.name} has another organisation taking part.")
    case_coordinator = _territorial_coordinator(association.departement)
    coordinator_case = next(
        (
            candidate
            for candidate in (cases.get(pk=row["case"]) for row in by_events[:100])
            if _sees(actor_for(case_coordinator), candidate)
        ),
        None,
    )
    if coordinator_case is None:
        sys.exit(f"The territorial coordinator of {association.departement} sees no case.")

    # Decrypt the association's people only (never the country's) for their names.
    people = list(
        Person.objects.filter(cases__referent_org=association).only("given_names", "family_name")
    )
    names = Counter(
        person.given_names.split()[0] for person in people if person.given_names.strip()
    )
    given_name, given_count = min(names.items(), key=lambda item: (-item[1], item[0]))
    rare_name, rare_national = _rare_name(people)

    top = (
        JournalEntry.objects.filter(object_type="case")
        .values("object_ref")
        .annotate(n=Count("pk"))
        .order_by("-n", "object_ref")
        .first()
    )
    top_case = Case.objects.select_related("person", "referent_user").get(ref=top["object_ref"])
    timed_cases = {case.pk, participant_case.pk, coordinator_case.pk, top_case.pk}
    referral = _referral(association, avoid=timed_cases)
    facility, facility_staff, facility_empty = _facility()
    fixtures = []
    placement_request, placement_user = _placement_request(referral, fixtures)
    personas = Personas(
        association=association,
        association_cases=best["n"],
        caseworker=caseworker,
        own_cases=own_cases,
        territorial=territorial,
        departement=dep,
        departement_cases=by_dep["n"],
        territorial_cases=territorial_cases,
        last_page=max(1, math.ceil(territorial_cases / PAGE_SIZE)),
        middle_ref=_middle_ref(territorial, territorial_cases),
        case=case,
        case_events=events[case.pk],
        participant=participant,
        participant_case=participant_case,
        participant_case_events=events[participant_case.pk],
        case_coordinator=case_coordinator,
        coordinator_case=coordinator_case,
        given_name=given_name,
        given_name_count=given_count,
        given_name_national=len(matching_person_ids(given_name)),
        rare_name=rare_name,
        rare_national=rare_national,
        person=top_case.person,
        person_referent=top_case.referent_user,
        history_rows=0,
        referral=referral,
        facility=facility,
        facility_staff=facility_staff,
        facility_empty=facility_empty,
        placement_request=placement_request,
        placement_user=placement_user,
        fixtures=fixtures,
    )
    grow_history(personas, top_case, history_target)
    return personas


def grow_history(personas: Personas, case, target: int) -> None:
    """Bring the person's access history up to ``target`` rows: the referent views the case
    (journaled by ``audit.journal.record`` as the case page does) as many times as missing."""
    from django.db import transaction
    from django.db.models import Max

    from parcours.access import rules
    from parcours.audit.enums import Action
    from parcours.audit.journal import history_for, record
    from parcours.core.actor import actor_for
    from parcours.demo.models import SeedRun

    have = history_for(personas.person).count()
    missing = max(0, target - have)
    if missing:
        actor = actor_for(personas.person_referent)
        groups = sorted(rules.groups_for(actor, case))
        for start in range(0, missing, 500):
            with transaction.atomic():
                for _ in range(min(500, missing - start)):
                    record(actor, Action.VIEW_CASE, case, groups=groups, related=case.person)
    seeded = SeedRun.objects.aggregate(end=Max("finished_at"))["end"]
    personas.history_rows = have + missing
    personas.history_added = history_for(personas.person).filter(at__gt=seeded).count()


# -- the clients and the timing ---------------------------------------------------------------


def signed_in(user):
    """A test client signed in as ``user`` with a security key, as ``tests.personas.sign_in``."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "username": user.username},
        {"method": "mfa", "at": now, "type": "webauthn"},
    ]
    session.save()
    return client


@dataclass
class Page:
    """One page to time. A read is requested as is; a write (``redirect`` set) is warmed up by
    GETs of ``warm_url`` (reads only), then posted ``--requests`` times, each post with the
    data ``data()`` gives at that moment (a fresh token, the current version), and must answer
    with a redirect to ``redirect``."""

    label: str
    client: object
    method: str
    url: str
    data: object = None  # a dict (reads), or a function giving each request's data (writes)
    redirect: str = ""
    warm_url: str = ""

    @property
    def writes(self) -> bool:
        return bool(self.redirect)

    @property
    def status(self) -> int:
        return 302 if self.writes else 200


@dataclass
class Cell:
    label: str
    times: list  # seconds
    queries: int
    rows: int  # distinct case references linked on the page (a sanity check)
    slowest: list  # (seconds, sql, params) of the counted request, slowest first
    page: Page = None  # to request the page again
    query_counts: list = field(default_factory=list)  # of each counted request

    @property
    def sql_ms(self) -> float:
        return sum(q[0] for q in self.slowest) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


class QueryTimer:
    """An ``execute_wrapper`` keeping each query's SQL, parameters and duration."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql, params))


CASE_LINK = re.compile(r"/dossiers/(C-[0-9A-Z]{4}-[0-9A-Z]{2})/")
ERRORS = re.compile(
    r'class="[^"]*(?:fr-alert--error|fr-error-text|fr-message--error)[^"]*"[^>]*>(.*?)</', re.S
)


def _call(client, method: str, url: str, data: dict | None, label: str, status=200, to=""):
    response = getattr(client, method)(url, data or {})
    where = response.get("Location", "")
    if response.status_code != status or where != to:
        said = [
            " ".join(re.sub(r"<[^>]+>", " ", text).split())
            for text in ERRORS.findall(response.content.decode(errors="replace"))
        ]
        sys.exit(
            f"{label}: {method.upper()} {url} answered {response.status_code}"
            + (f" (to {where})" if where else "")
            + (f", expected {status}" + (f" to {to}" if to else "") if status != 200 else "")
            + (f"; the page says: {' | '.join(t for t in said if t)[:500]}" if any(said) else "")
            + ": the persona is not signed in as the page needs, or the page fails. Stopping."
        )
    return response


def measure(page: Page, requests: int) -> Cell:
    """Reads: ``WARM_UP`` requests, ``requests`` timed ones, then ``COUNTED`` more whose SQL
    queries are counted and timed one by one. Writes: ``WARM_UP`` GETs of ``page.warm_url``,
    then ``requests`` timed posts, the last ``COUNTED`` of them counted too: the database
    changes by the timed posts only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    label, client, method, url = page.label, page.client, page.method, page.url

    def call(data):
        return _call(client, method, url, data, label, page.status, page.redirect)

    for _ in range(WARM_UP):
        if page.writes:
            _call(client, "get", page.warm_url, None, label)
        else:
            call(page.data)
    times, runs, counts = [], [], []
    # The queries of a few requests, counted and timed one by one: each query's time is its
    # median over those requests (one sample of a 1 ms query is mostly noise).
    counted_from = requests - min(COUNTED, requests) if page.writes else requests
    for number in range(requests + (0 if page.writes else COUNTED)):
        data = page.data() if callable(page.data) else page.data
        if number < counted_from:
            started = time.perf_counter()
            call(data)
            times.append(time.perf_counter() - started)
            continue
        timer = QueryTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = call(data)
            elapsed = time.perf_counter() - started
        if page.writes:
            times.append(elapsed)
        runs.append(timer.queries)
        counts.append(len(captured))
    queries = runs[-1]
    if all(len(run) == len(queries) for run in runs):
        queries = [
            (statistics.median(run[i][0] for run in runs), sql, params)
            for i, (_seconds, sql, params) in enumerate(queries)
        ]
    rows = len(set(CASE_LINK.findall(response.content.decode())))
    slowest = sorted(queries, key=lambda q: q[0], reverse=True)
    return Cell(label, times, counts[-1], rows, slowest, page, counts)


def explain(sql: str, params) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" ".join(str(part) for part in row) for row in cursor.fetchall()]


def profile(cell: Cell, lines: int = 30) -> None:
    """Where one request of ``cell``'s page spends its time (cProfile, cumulative); a read page
    only (profiling a write would write once more)."""
    import cProfile
    import io
    import pstats

    page = cell.page
    profiler = cProfile.Profile()
    profiler.enable()
    _call(page.client, page.method, page.url, page.data, cell.label)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats("src/parcours/", lines)
    stats.sort_stats("tottime").print_stats(lines)
    print(
        f"\nprofile of one request of {cell.label} (cumulative time of Parcours' own functions, "
        f"then own time of all; top {lines}):"
    )
    print(out.getvalue().strip())
    print("\nown time by part (ms):")
    for part, seconds in _by_part(stats):
        print(f"  {part:28} {seconds * 1000:7.1f}")


# Where a function's own time goes, by the first of these its file path contains.
PARTS = (
    ("django/template", "templates (Django)"),
    ("django/forms", "forms (Django)"),
    ("django/db", "ORM (Django)"),
    ("psycopg", "database driver and wait"),
    ("sqlite3", "database driver and wait"),
    ("django/utils/translation", "translation (Django)"),
    ("django/", "rest of Django"),
    ("cryptography", "encryption"),
    ("src/parcours/", "Parcours' own code"),
)


def _by_part(stats) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    for (path, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        part = next((label for key, label in PARTS if key in path), "other (Python, libraries)")
        totals[part] = totals.get(part, 0.0) + own
    return sorted(totals.items(), key=lambda item: -item[1])


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Writes:
    """What the timed posts wrote, checked after the run."""

    referral_tokens: list = field(default_factory=list)
    availability_before: int = 0  # the facility's version before the run
    availability_posts: int = 0


def _referral_data(personas: Personas, writes: Writes):
    """The new-referral form as its page fills it, with a fresh idempotency token each time."""
    from parcours.core.groups import FieldGroup
    from parcours.referrals.enums import Urgency

    plan = personas.referral

    def data():
        token = uuid.uuid4()
        writes.referral_tokens.append(token)
        return {
            "service": plan.service.pk,
            "purpose": "Accompagnement vers le service (référence de banc d'essai, fictive).",
            "shared_groups": [FieldGroup.IDENTITY],
            "urgency": Urgency.NORMAL,
            "basis": plan.basis,
            "legal_basis": plan.legal_basis,
            "right": "",
            "request_token": str(token),
        }

    return data


def _availability_data(personas: Personas, writes: Writes):
    """The facility's form: its empty beds (unchanged) and its version read again just
    before each post, so that the version check passes."""
    from parcours.shelter.models import Facility

    facility = personas.facility
    writes.availability_before = Facility.objects.values_list("version", flat=True).get(
        pk=facility.pk
    )

    def data():
        version = Facility.objects.values_list("version", flat=True).get(pk=facility.pk)
        writes.availability_posts += 1
        return {"free": personas.facility_empty, "version": version}

    return data


def check_writes(personas: Personas, writes: Writes) -> list[str]:
    """Each timed post wrote what it should have: one referral, one availability update."""
    from parcours.referrals.enums import ReferralStatus
    from parcours.referrals.models import Referral
    from parcours.shelter.models import Facility

    sent = Referral.objects.filter(
        request_token__in=writes.referral_tokens,
        case=personas.referral.case,
        status=ReferralStatus.SENT,
    ).count()
    if sent != len(writes.referral_tokens):
        sys.exit(
            f"referral send: {len(writes.referral_tokens)} posts sent {sent} referrals. Stopping."
        )
    version = Facility.objects.values_list("version", flat=True).get(pk=personas.facility.pk)
    if version - writes.availability_before != writes.availability_posts:
        sys.exit(
            f"availability update: {writes.availability_posts} posts moved the version from "
            f"{writes.availability_before} to {version}. Stopping."
        )
    return [
        f"{sent} referrals sent on {personas.referral.case.ref} "
        f"(to {personas.referral.service.name}, {personas.referral.basis})",
        f"{writes.availability_posts} availability updates of facility {personas.facility.pk} "
        f"({personas.facility_empty} empty beds, unchanged; version "
        f"{writes.availability_before} to {version})",
    ]


def run_pages(personas: Personas, requests: int) -> tuple[list[Cell], list[str]]:
    from django.urls import reverse

    my_cases = reverse("my_cases")
    caseworker = signed_in(personas.caseworker)
    coordinator = signed_in(personas.territorial)

    def case_url(case):
        return reverse("case_detail", kwargs={"ref": case.ref})

    plan = personas.referral
    request = personas.placement_request
    facility_list = reverse("facility_list")
    writes = Writes()
    pages = [
        Page(
            f'"my cases", association with {personas.association_cases} cases',
            caseworker,
            "get",
            my_cases,
        ),
        Page(
            f'"my cases", followed by me ({personas.own_cases} cases)',
            caseworker,
            "get",
            my_cases,
            {"referent": "me"},
        ),
        Page(
            f'"my cases", my organisation ({personas.association_cases} cases)',
            caseworker,
            "get",
            my_cases,
            {"referent": "mine"},
        ),
        Page('"my cases", territorial coordinator, page 1', coordinator, "get", my_cases),
        Page(
            f'"my cases", territorial coordinator, page {max(2, personas.last_page // 2)} (middle)',
            coordinator,
            "get",
            my_cases,
            {"apres": personas.middle_ref},
        ),
        Page(
            f'"my cases", territorial coordinator, page {personas.last_page} (the last)',
            coordinator,
            "get",
            my_cases,
            {"fin": "1"},
        ),
        Page(
            f"case page, referent ({personas.case_events} events)",
            signed_in(personas.case.referent_user),
            "get",
            case_url(personas.case),
        ),
        Page(
            f"case page, participant ({personas.participant_case_events} events)",
            signed_in(personas.participant),
            "get",
            case_url(personas.participant_case),
        ),
        Page(
            "case page, territorial coordinator",
            signed_in(personas.case_coordinator),
            "get",
            case_url(personas.coordinator_case),
        ),
        Page(
            f'search by a common given name ("{personas.given_name}")',
            caseworker,
            "post",
            my_cases,
            {"q": personas.given_name},
        ),
        Page(
            f'search by a rare family name ("{personas.rare_name}")',
            caseworker,
            "post",
            my_cases,
            {"q": personas.rare_name},
        ),
        Page(
            f"person page with {personas.history_rows:,} history rows",
            signed_in(personas.person_referent),
            "get",
            reverse("person_detail", kwargs={"ref": personas.person.ref}),
        ),
        Page(
            "ranked list of safe places, referent",
            signed_in(personas.placement_user),
            "get",
            reverse("placement_request", kwargs={"ref": request.case.ref, "pk": request.pk}),
        ),
        Page(
            "referral send, referent (POST)",
            signed_in(plan.user),
            "post",
            reverse("case_referral_new", kwargs={"ref": plan.case.ref}),
            _referral_data(personas, writes),
            redirect=case_url(plan.case),
            warm_url=reverse("case_referral_new", kwargs={"ref": plan.case.ref}),
        ),
        Page(
            "availability update, facility staff (POST)",
            signed_in(personas.facility_staff),
            "post",
            reverse("facility_availability", kwargs={"pk": personas.facility.pk}),
            _availability_data(personas, writes),
            redirect=facility_list,
            warm_url=facility_list,
        ),
    ]
    cells = []
    for page in pages:
        print(f"  timing {page.label}...", file=sys.stderr, flush=True)
        cells.append(measure(page, requests))
    return cells, check_writes(personas, writes)


def counts() -> dict[str, int]:
    from parcours.audit.models import JournalEntry
    from parcours.cases.models import Case, Event
    from parcours.people.models import Person

    return {
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "events": Event.objects.count(),
        "journal": JournalEntry.objects.count(),
    }


def database_label() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def report(args, personas: Personas, cells: list[Cell], before: dict, seeded: float, writes):
    from parcours.core.actor import actor_for

    people = before["people"]
    print(f"\n{database_label()}, {people:,} people (seed {SEED}), in-process test client,")
    print(
        f"{WARM_UP} warm-up requests then {args.requests} timed requests per page "
        f"(the posts: {WARM_UP} GETs of their page, then {args.requests} timed posts)"
    )
    print(
        f"  {before['cases']:,} cases, {before['events']:,} events, "
        f"{before['journal']:,} journal rows before the run"
        + (f"; seeded in {seeded:.0f} s" if seeded else "; database reused")
    )
    print(
        f"  association: {personas.association.name} ({personas.association_cases} cases), "
        f"caseworker {personas.caseworker.username} (referent of {personas.own_cases})"
    )
    print(
        f"  territorial coordinator of {personas.departement} "
        f"({personas.departement_cases:,} cases, {personas.territorial_cases:,} in her list, "
        f"{personas.last_page} pages): {personas.territorial.username}"
    )
    print(
        f"  case pages: {personas.case.ref} ({personas.case_events} events) by its referent "
        f"{personas.case.referent_user.username}; {personas.participant_case.ref} by "
        f"{personas.participant.username} of {actor_for(personas.participant).organisation}, "
        "taking part; "
        f"{personas.coordinator_case.ref} by the territorial coordinator of "
        f"{personas.association.departement}, {personas.case_coordinator.username}"
    )
    print(
        f'  searches: "{personas.given_name}", first given name of '
        f"{personas.given_name_count} of the association's people, whose tokens match "
        f'{personas.given_name_national:,} people in the country; "{personas.rare_name}", a '
        f"family name matching {personas.rare_national:,}"
    )
    added = (
        f", {personas.history_added:,} of them written after the seed by this benchmark (the "
        "referent viewing the case, journaled by audit.journal.record, up to --history; and "
        "the person pages of earlier runs)"
        if personas.history_added
        else ""
    )
    print(f"  person page: {personas.person.ref}, {personas.history_rows:,} history rows{added}")
    request = personas.placement_request
    print(
        f"  ranked list: request {request.pk} of {request.case.ref} ({request.status}), "
        f"by {personas.placement_user.username}"
    )
    plan = personas.referral
    print(
        f"  referral send: {plan.case.ref} by {plan.user.username}, to {plan.service.name} "
        f"({plan.basis}{', ' + plan.legal_basis if plan.legal_basis else ''})"
    )
    print(
        f"  availability update: facility {personas.facility.pk} (capacity "
        f"{personas.facility.capacity}) by {personas.facility_staff.username}"
    )
    if personas.fixtures:
        print(f"  written before the timing: {'; '.join(personas.fixtures)}")

    width = max(len(cell.label) for cell in cells)
    print(f"\n| {'page':<{width}} | median | p95 | SQL queries | in SQL | cases linked | status |")
    print(f"|{'-' * (width + 2)}|-------:|----:|------------:|-------:|-------------:|-------:|")
    for cell in cells:
        print(
            f"| {cell.label:<{width}} | {cell.median_ms:.0f} ms | {cell.p95_ms:.0f} ms "
            f"| {cell.queries} | {cell.sql_ms:.1f} ms | {cell.rows} | {cell.page.status} |"
        )
    print(
        f"(in SQL: the time spent in the database driver by a request, median of {COUNTED} "
        "counted requests query by query; the rest of the median is Python)"
    )
    print()
    for cell in cells:
        print(
            f"{cell.label}  p50 {cell.median_ms:.0f} ms  p95 {cell.p95_ms:.0f} ms  "
            f"queries {cell.queries}"
        )
    varying = [cell for cell in cells if len(set(cell.query_counts)) > 1]
    for cell in varying:
        print(f"queries vary between requests of {cell.label}: {cell.query_counts}")
    print(f"\nwritten by the timed posts (and only by them): {'; '.join(writes)}")
    slowest = max(cells, key=lambda cell: cell.median_ms)
    print(f"\nslowest page: {slowest.label} ({slowest.median_ms:.0f} ms median)")
    print(f"\nslowest queries of each page (median of {COUNTED} counted requests):")
    for cell in cells:
        print(f"- {cell.label}: {cell.queries} queries, {cell.sql_ms:.1f} ms in SQL")
        for seconds, sql, _params in cell.slowest[:3]:
            print(f"    {seconds * 1000:6.1f} ms  {' '.join(sql.split())[:150]}")
    if args.explain:
        for cell in cells:
            selects = [q for q in cell.slowest if q[1].lstrip().upper().startswith("SELECT")]
            if not selects:
                continue
            for rank, (seconds, sql, params) in enumerate(selects[:2], start=1):
                print(f"\nplan of SELECT #{rank} of {cell.label} ({seconds * 1000:.1f} ms):")
                print(f"  {' '.join(sql.split())}")
                print(f"  params: {list(params or ())}")
                for line in explain(sql, params):
                    print(f"    {line}")
    if args.profile is not None:
        reads = [c for c in cells if not c.page.writes]
        named = [c for c in reads if args.profile and args.profile in c.label]
        profile(named[0] if named else max(reads, key=lambda c: c.median_ms))
    after = counts()
    print(f"\njournal rows after the run: {after['journal']:,}")


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would in time: the seed loads in bulk
    and the benchmark then grows one person's history by thousands of rows, and with stale
    statistics PostgreSQL reads that history through a bitmap and sorts it (10 ms) instead of
    walking the (object_ref, seq) index (0.1 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--reuse", action="store_true", help="keep and reuse the seeded database between runs"
    )
    parser.add_argument("--batch", type=int, default=2000, help="people per seeding batch")
    parser.add_argument(
        "--history",
        type=int,
        default=11586,
        help="history rows wanted on the person page (added when the seed gives fewer)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each page's slowest SELECT"
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="",
        metavar="PAGE",
        help="profile one request of the slowest read page (or of the first whose name "
        "contains PAGE)",
    )
    args = parser.parse_args()
    if args.requests < 1 or args.people < 1:
        parser.error("--people and --requests must be at least 1")
    server, name = configure(args.people, args.reuse)
    sys.path.insert(0, str(ROOT / "src"))
    import logging

    import django

    django.setup()
    logging.getLogger("parcours.request").setLevel(logging.WARNING)  # one line per request
    from django.conf import settings

    # Notification e-mails leave only from the worker (``alerts.notify``), which the benchmark
    # does not run; should one be sent, it is kept in memory, not printed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    try:
        seeded = seed_country(args.people, args.batch)
        personas = pick_personas(args.history)
        analyze()
        before = counts()
        cells, writes = run_pages(personas, args.requests)
        report(args, personas, cells, before, seeded, writes)
    finally:
        release(args.reuse, server, name)


if __name__ == "__main__":
    main()
