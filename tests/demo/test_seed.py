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
from parcours.audit.journal import record, record_entries, verify
from parcours.audit.models import JournalEntry
from parcours.cases.models import Case, Contact, Event, Participant
from parcours.core.actor import actor_for
from parcours.core.refs import is_valid_reference
from parcours.core.roles import OrganisationKind, Role
from parcours.demo import seed
from parcours.demo.models import SeedRun
from parcours.demo.seed import country, people
from parcours.demo.seed.progress import Progress
from parcours.people.models import Person
from parcours.referrals.enums import REFUSAL_CODES
from parcours.referrals.models import Referral

DEPS = "33,69,75"
pytestmark = pytest.mark.django_db


def _seed(people_count=120, batch=40, seed_number=42, deps=DEPS):
    call_command(
        "seed",
        people=people_count,
        batch=batch,
        seed=seed_number,
        departements=deps,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def _counts():
    from django.apps import apps

    models = ["people.Person", "people.SearchToken", "cases.Case", "cases.Event"]
    models += ["cases.Contact", "cases.Participant", "cases.Task", "referrals.Referral"]
    models += ["referrals.Consent", "referrals.ReferralTransition", "audit.JournalEntry"]
    models += ["accounts.Organisation", "accounts.User", "accounts.Membership"]
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
    assert len(per_case) == 200 and max(per_case.values()) <= 6  # 1-4, plus accepted referrals
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
    now = timezone.now()

    def names_of(text):
        batch = people.generate(random.Random(text), the_country, first_index=0, count=30, now=now)
        return [(p.given_names, p.family_name, p.ref) for p in batch.people]

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


def test_record_entries_chains_onto_the_journal():
    record(None, "system.demo")
    the_country = country.ensure(["33"])
    org = the_country.of_kind("33", "association")[0]
    user = the_country.member(random.Random(1), org, "caseworker")
    who = people.Who(user, org)
    entries = record_entries([(who, "case.view", None, None, ("identity",), "", None)] * 3)
    assert [e.seq for e in entries] == [2, 3, 4]
    assert verify().ok and verify().checked == 4


def test_progress_line_says_how_far_and_how_long():
    ticks = iter([0.0, 10.0])
    progress = Progress(1000, done=0, stream=io.StringIO(), clock=lambda: next(ticks))
    line = progress.line(250, events=5000)
    assert "250/1,000 people (25 %)" in line
    assert "25 people/s" in line and "500 events/s" in line and "ETA 0:00:30" in line
