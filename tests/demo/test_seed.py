"""`parcours seed`: a fictional country and pathways written in bulk, through the project's own
encryption, search tokens and journal, resumable batch by batch."""

import io
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from parcours.access.listing import find_cases
from parcours.accounts.models import Membership, Organisation
from parcours.audit.hashing import entry_hash
from parcours.audit.journal import number, prepare_entries, record, record_entries, verify
from parcours.audit.models import JournalEntry
from parcours.cases.models import Case, Contact, Event, Participant
from parcours.core.actor import actor_for
from parcours.core.refs import is_valid_reference
from parcours.core.roles import OrganisationKind, Role
from parcours.demo import seed
from parcours.demo.models import SeedRun
from parcours.demo.seed import country, people
from parcours.demo.seed.people import REFERRALS_PER_CASE
from parcours.demo.seed.progress import Progress
from parcours.people.models import Person
from parcours.referrals.enums import REFUSAL_CODES
from parcours.referrals.models import Referral
from parcours.rights.models import Fact

DEPS = "33,69,75"
pytestmark = pytest.mark.django_db


def _seed(people_count=120, batch=40, seed_number=42, deps=DEPS, workers=None):
    call_command(
        "seed",
        people=people_count,
        batch=batch,
        seed=seed_number,
        departements=deps,
        workers=workers,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def _counts():
    from django.apps import apps

    models = ["people.Person", "people.SearchToken", "cases.Case", "cases.Event"]
    models += ["cases.Contact", "cases.Participant", "cases.Task", "referrals.Referral"]
    models += ["referrals.Consent", "referrals.ReferralTransition", "audit.JournalEntry"]
    models += ["accounts.Organisation", "accounts.User", "accounts.Membership"]
    models += ["shelter.RiskAssessment", "shelter.DangerZone", "shelter.PlacementRequest"]
    models += ["shelter.Placement", "shelter.PlacementTransition", "cases.Appointment"]
    models += ["conferences.Conference", "conferences.Invitation", "conferences.Decision"]
    models += ["alerts.Notification"]
    return {name: apps.get_model(name).objects.count() for name in models}


def _names():
    return [(p.ref, p.given_names, p.family_name) for p in Person.objects.order_by("ref")]


def test_a_small_seed_gives_a_whole_country_and_pathways():
    _seed(people_count=200, batch=100)
    for dep in DEPS.split(","):
        kinds = set(Organisation.objects.filter(departement=dep).values_list("kind", flat=True))
        assert kinds == set(OrganisationKind.values) - {OrganisationKind.NATIONAL_COORDINATOR}
    assert Organisation.objects.filter(kind=OrganisationKind.NATIONAL_COORDINATOR).count() == 1
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert Case.objects.count() == Person.objects.count() == 200
    per_case = Counter(Participant.objects.values_list("case_id", flat=True))
    # 1-4, plus one per accepted referral (up to three)
    assert len(per_case) == 200 and max(per_case.values()) <= 4 + REFERRALS_PER_CASE
    facts = Counter(Fact.objects.values_list("name", flat=True))  # the rights engine's answers
    assert 0.3 <= len(set(Fact.objects.values_list("case_id", flat=True))) / 200 <= 0.5
    assert facts["card_expires_on"] and facts["has_address"] and facts["in_child_welfare_before_18"]
    assert 15 <= Event.objects.count() / 200 <= 25
    assert 7 <= Contact.objects.count() / 200 <= 12
    assert 0.2 <= Referral.objects.values("case").distinct().count() / 200 <= 0.4
    refused = Referral.objects.filter(status="refused").select_related("service")
    assert refused.exists()
    for referral in refused:
        assert referral.refusal_code in dict(REFUSAL_CODES[referral.service.kind])
    # Every reference is valid (check character) and every case is in its referent's
    # département, held by a member of it.
    for case in Case.objects.select_related("referent_org", "person")[:50]:
        assert is_valid_reference("C", case.ref) and is_valid_reference("P", case.person.ref)
        assert case.referent_user.memberships.filter(organisation=case.referent_org).exists()


def test_a_seeded_person_is_found_by_search_through_the_app_and_decrypts():
    _seed(people_count=60, batch=60)
    case = Case.objects.select_related("person", "referent_org", "referent_user").first()
    person = case.person
    referent = actor_for(case.referent_user, case.referent_org)
    query = f"{person.family_name} {person.given_names}"
    found = find_cases(referent, query, Case.objects.visible_to(referent))
    assert case in [found_case for found_case, _match in found]
    # An association of another département does not find the person.
    elsewhere = Organisation.objects.filter(kind="association").exclude(
        departement=case.referent_org.departement
    )
    outsider_org = elsewhere.exclude(pk__in=case.participants.values("organisation")).first()
    outsider = actor_for(outsider_org.memberships.first().user, outsider_org)
    assert case not in [
        c for c, _m in find_cases(outsider, query, Case.objects.visible_to(outsider))
    ]
    # Stored encrypted, read back in clear by the application.
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name FROM people_person WHERE id = %s", [person.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1.") and person.family_name not in stored
    assert Person.objects.get(pk=person.pk).family_name == person.family_name
    event = Event.objects.filter(kind="opened", case=case).get()
    assert event.summary  # the first contact, decrypted
    assert Contact.objects.filter(case=case).exists()
    assert all(isinstance(c.note, str) for c in Contact.objects.filter(case=case))


def test_the_journal_of_a_seed_verifies():
    record(None, "system.demo")  # a journal that already has entries: the seed chains onto it
    _seed(people_count=80, batch=40)
    result = verify()
    assert result.ok, result.problem
    assert result.checked == JournalEntry.objects.count() > 80 * 15
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


class Interrupted(Exception):
    pass


class _Rollback(Exception):
    pass


def test_an_interrupted_seed_goes_on_where_it_stopped_and_makes_the_same_data(monkeypatch):
    # A straight run, rolled back once measured.
    with pytest.raises(_Rollback), transaction.atomic():
        _seed()
        straight, straight_names = _counts(), _names()
        raise _Rollback
    assert Person.objects.count() == 0

    def stop_after_first(run, number):
        if number == 0:
            raise Interrupted

    monkeypatch.setattr(seed, "AFTER_BATCH", stop_after_first)
    with pytest.raises(Interrupted):
        _seed()
    assert Person.objects.count() == 40  # the first batch is in, committed
    assert SeedRun.objects.get().batches_done == 1
    monkeypatch.setattr(seed, "AFTER_BATCH", None)
    _seed()
    assert _counts() == straight
    assert _names() == straight_names
    assert verify().ok
    _seed()  # once complete, running it again adds nothing
    assert _counts() == straight


def test_the_same_seed_gives_the_same_names_and_another_seed_others():
    the_country = country.ensure(DEPS.split(","))
    run = seed.find_or_start(people_count=30, batch_size=30, seed=42, departements=DEPS.split(","))
    context = seed.context(run, the_country)

    def names_of(text):
        batch = people.generate(random.Random(text), context, first_index=0, count=30)
        return [(given, family, ref) for ref, given, family in batch.names]

    assert names_of("42:0") == names_of("42:0")
    assert names_of("42:0") != names_of("43:0")
    family_names = {p[1] for p in names_of("42:1")}
    assert len(family_names) > 20  # varied, not one name repeated


def test_seeded_references_are_valid_and_distinct():
    refs = [people.seeded_ref("P", index) for index in range(20000)]
    assert len(set(refs)) == len(refs)
    assert all(is_valid_reference("P", ref) for ref in refs[:2000])
    with pytest.raises(ValueError):
        people.seeded_ref("P", people.REF_SPACE)


def test_a_seeded_reference_already_taken_is_replaced_and_runs_do_not_clash():
    # An intake made before the seed holds the reference the first seeded person would get.
    earlier = Person.objects.create(ref=people.seeded_ref("P", 0), family_name="Avant")
    _seed(people_count=10, batch=10, seed_number=7)
    assert Person.objects.count() == 11
    assert Person.objects.get(ref=earlier.ref).family_name == "Avant"
    # A second run numbers its people after the first one's.
    _seed(people_count=10, batch=10, seed_number=8)
    refs = list(Person.objects.values_list("ref", flat=True))
    assert len(refs) == len(set(refs)) == 21


def test_production_mode_is_refused(settings):
    settings.MODE = "production"
    with pytest.raises(CommandError, match="production"):
        _seed(people_count=5, batch=5)
    assert not Organisation.objects.exists() and not Person.objects.exists()


def test_unknown_departement_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError, match="99"):
        _seed(people_count=5, batch=5, deps="33,99")
    assert not Organisation.objects.exists() and not SeedRun.objects.exists()


def test_prepared_entries_are_numbered_after_the_journal_with_the_hash_of_a_recorded_one():
    first = record(None, "system.demo")
    the_country = country.ensure(["33"])
    org = the_country.of_kind("33", "association")[0]
    user = the_country.member(random.Random(1), org, "caseworker")
    who = people.Who(user, org)
    at = timezone.now()
    tricky = 'a "seq":0, "user":1 \u00e9'  # what the number's place looks like, in a value
    entries = prepare_entries(
        [(who, "case.view", None, None, ("identity", "health"), tricky, at)] * 3
    )
    numbered = number(e.parts for e in entries)
    seqs = [seq for seq, _hash in numbered]
    assert seqs == sorted(seqs) and seqs[0] > first.seq and len(set(seqs)) == 3
    for entry, (seq, entry_hash_given) in zip(entries, numbered, strict=True):
        JournalEntry.objects.create(
            seq=seq, hash=entry_hash_given, **{k: v for k, v in vars(entry).items() if k != "parts"}
        )
    saved = list(JournalEntry.objects.filter(seq__in=seqs).order_by("seq"))
    assert [e.hash for e in saved] == [entry_hash(e) for e in saved]
    assert saved[0].reason == tricky and saved[0].username == user.username
    more = record_entries([(who, "case.view", None, None, (), "", None)] * 2)
    assert [e.seq for e in more][0] > seqs[-1]
    assert verify().ok and verify().checked == 6


def test_progress_line_says_how_far_and_how_long():
    ticks = iter([0.0, 10.0])
    progress = Progress(1000, done=0, stream=io.StringIO(), clock=lambda: next(ticks))
    line = progress.line(250, events=5000)
    assert "250/1,000 people (25 %)" in line
    assert "25 people/s" in line and "500 events/s" in line and "ETA 0:00:30" in line


def test_a_seed_places_people_plans_appointments_holds_conferences_and_notifies():
    from parcours.alerts import inbox
    from parcours.alerts.kinds import title_for
    from parcours.alerts.models import Notification
    from parcours.cases.models import Appointment, Task
    from parcours.conferences.models import Conference
    from parcours.shelter import safety
    from parcours.shelter.models import Placement
    from parcours.shelter.zones import needs_assessment

    _seed(people_count=400, batch=200)
    cases = Case.objects.count()
    # Placements: a request met by a facility that accepted, after some that declined.
    arrived = Placement.objects.filter(status="arrived").select_related("facility", "case")
    assert 0.03 <= arrived.count() / cases <= 0.3
    assert Placement.objects.filter(status="declined").exclude(decline_code="").exists()
    for placement in arrived[:40]:
        case = placement.case
        assert placement.request.status == "placed" and placement.arrived_at is not None
        assert not needs_assessment(case)  # nobody is placed before their safety is assessed
        place = safety.Place(
            departement=placement.facility.departement,
            lat=placement.facility.lat,
            lon=placement.facility.lon,
            label="",
        )
        assert safety.violations(case, place) == []  # outside every danger zone
        host = case.participants.get(organisation=placement.facility.organisation, active=True)
        assert host.role == "shelter" and "location" in host.groups
        assert list(placement.transitions.values_list("to_status", flat=True)) == [
            "proposed",
            "accepted",
            "arrived",
        ]
        assert case.events.filter(kind="placement", data__placement=placement.pk).exists()
    # Appointments: attended by organisations of the pathway, their purpose decrypts.
    appointments = Appointment.objects.prefetch_related("attendees").select_related("case")
    assert 0.25 <= appointments.values("case").distinct().count() / cases <= 0.65
    for appointment in appointments[:40]:
        case = appointment.case
        allowed = {case.referent_org_id, *case.participants.values_list("organisation", flat=True)}
        attending = {org.pk for org in appointment.attendees.all()}
        assert case.referent_org_id in attending and attending <= allowed
        assert appointment.purpose and appointment.created_at < appointment.at
    # Conferences: held ones with the person's consent and decisions that became tasks.
    conferences = Conference.objects.all()
    assert 0.01 <= conferences.count() / cases <= 0.15
    held = conferences.filter(status="held")
    assert held.exists()
    for conference in held:
        assert conference.consent.language
        for decision in conference.decisions.select_related("task"):
            assert isinstance(decision.task, Task) and decision.task.case_id == conference.case_id
        assert conference.invitations.filter(organisation=conference.case.referent_org).exists()
    # Notifications: codes and references only, each readable, in its organisation's inbox.
    notifications = Notification.objects.all()
    assert notifications.count() > cases / 2
    refs = set(Case.objects.values_list("ref", flat=True))
    refs |= set(Referral.objects.values_list("ref", flat=True))
    for notification in notifications[:200]:
        assert notification.ref in refs and notification.link.startswith("/")
        assert title_for(notification)
    notification = notifications.filter(kind="referral_refused").first()
    org = notification.organisation
    reader = actor_for(org.memberships.filter(role="caseworker").first().user, org)
    assert notification in inbox.for_actor(reader)
    # Every seeded text is encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT purpose, place FROM cases_appointment LIMIT 5")
        assert all(v.startswith("v1.") for row in cursor.fetchall() for v in row)


def _events():
    """Each event, its ids replaced by what does not depend on the database's sequences (on
    PostgreSQL, a rolled-back run still moved them)."""
    names = dict(Organisation.objects.values_list("pk", "name"))

    def data(event):
        return sorted(
            (key, names[value] if key == "organisation_id" else "#" if key in IDS else value)
            for key, value in event.data.items()
        )

    return sorted(
        (e.case.ref, e.kind, e.summary, data(e), e.at, e.by_org.name)
        for e in Event.objects.select_related("case", "by_org")
    )


IDS = ("conference", "placement")


def test_worker_processes_make_the_same_data_as_one_process(monkeypatch):
    # Both runs count their dates back from the same moment.
    anchor = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: anchor)
    with pytest.raises(_Rollback), transaction.atomic():
        _seed(people_count=90, batch=30, workers=0)
        alone, alone_names = _counts(), _names()
        alone_events = _events()
        raise _Rollback
    _seed(people_count=90, batch=30, workers=2)
    assert _counts() == alone
    assert _names() == alone_names
    assert _events() == alone_events
    assert verify().ok


def test_rows_written_after_a_seed_take_ids_after_its_block():
    _seed(people_count=20, batch=10, seed_number=5)
    seeded = set(Person.objects.values_list("pk", flat=True))
    later = Person.objects.create(family_name="Après")  # an intake, once the seed is done
    assert later.pk > max(seeded)
    # The run cannot grow into ids the application has used since; another seed can run.
    with pytest.raises(CommandError, match="cannot grow"):
        _seed(people_count=30, batch=10, seed_number=5)
    _seed(people_count=10, batch=10, seed_number=6)
    assert Person.objects.count() == 31


def test_the_demo_serves_with_the_worker_running_and_stops_it_with_itself(monkeypatch):
    """``parcours demo`` runs ``parcours worker`` beside the server (the demo shows live
    alerts), and stops it when the server stops, even on an error."""
    from parcours.demo.management.commands import demo as demo_command

    started = []

    class FakeProcess:
        def __init__(self, command, **kwargs):
            self.command, self.stopped = command, False
            started.append(self)

        def terminate(self):
            self.stopped = True

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(demo_command.subprocess, "Popen", FakeProcess)
    with pytest.raises(KeyboardInterrupt):
        with demo_command.background_worker(every=60):
            assert started[0].command[-3:] == ["worker", "--every", "60"]
            assert not started[0].stopped
            raise KeyboardInterrupt  # Ctrl-C on the server
    assert started[0].stopped
