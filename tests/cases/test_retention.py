import datetime
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.audit.enums import Action
from parcours.audit.journal import verify
from parcours.audit.models import JournalEntry
from parcours.cases import lifecycle, retention, services
from parcours.cases.enums import CaseStatus as S
from parcours.cases.enums import ContactChannel
from parcours.cases.models import Case, Contact, Event, Transition
from parcours.people.models import FIELD_GROUPS, Person, SearchToken
from parcours.people.search import matching_person_ids
from tests.conftest import PERSON

ARCHIVE_DAYS, ANONYMISE_DAYS = 730, 1825
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def delays(settings):
    settings.RETENTION_ARCHIVE_DAYS = ARCHIVE_DAYS
    settings.RETENTION_ANONYMISE_DAYS = ANONYMISE_DAYS


def days(n):
    return datetime.timedelta(days=n)


def close(case, persona, closed_at):
    lifecycle.move(case, S.CLOSED, persona.actor, reason="Parti chez Amadou Fictif à Lyon")
    Case.objects.filter(pk=case.pk).update(closed_at=closed_at)
    case.refresh_from_db()
    return case


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def old_case(case, referent, now):
    """The ``case`` fixture with a note and a contact, closed long enough to be anonymised."""
    services.add_note(referent.actor, case, text="A parlé de son cousin Moussa")
    services.log_contact(
        referent.actor, case, channel=ContactChannel.PHONE, note="Joint au 06 12 34 56 78"
    )
    return close(case, referent, now - days(ANONYMISE_DAYS) - MINUTE)


def journal_size():
    return JournalEntry.objects.count()


@pytest.mark.parametrize(
    "age,archived",
    [
        (days(ARCHIVE_DAYS) - MINUTE, False),
        (days(ARCHIVE_DAYS), True),
        (days(ARCHIVE_DAYS) + MINUTE, True),
    ],
)
def test_a_case_is_archived_once_closed_for_the_archive_delay(case, referent, now, age, archived):
    close(case, referent, now - age)
    report = retention.apply(now)
    case.refresh_from_db()
    assert (case.archived_at is not None) == archived
    assert report.archived == int(archived) and report.anonymised == 0
    assert case.status == S.CLOSED


def test_open_cases_are_never_archived(case, now):
    report = retention.apply(now + days(ANONYMISE_DAYS * 2))
    case.refresh_from_db()
    assert report.archived == report.anonymised == 0
    assert case.archived_at is None and case.person.anonymised_at is None


def test_archiving_is_journaled_as_a_system_action(case, referent, now):
    close(case, referent, now - days(ARCHIVE_DAYS + 1))
    retention.apply(now)
    entry = JournalEntry.objects.get(action=Action.RETENTION_ARCHIVE)
    assert (entry.object_ref, entry.related_ref) == (case.ref, case.person.ref)
    assert entry.user is None and entry.organisation is None
    assert not JournalEntry.objects.filter(action=Action.RETENTION_ANONYMISE).exists()


def test_a_case_closed_just_under_the_anonymisation_delay_keeps_its_person(case, referent, now):
    close(case, referent, now - days(ANONYMISE_DAYS) + MINUTE)
    report = retention.apply(now)
    person = Person.objects.get(pk=case.person_id)
    assert (report.archived, report.anonymised) == (1, 0)
    assert person.anonymised_at is None and person.family_name == "Fictif"
    assert matching_person_ids("Amadou Fictif") == {person.pk}


def test_anonymisation_erases_identity_groups_and_free_text(old_case, now):
    case = old_case
    participants = list(
        case.participants.order_by("pk").values_list("organisation_id", "role", "groups")
    )
    assert matching_person_ids("Amadou Fictif") == {case.person_id}

    report = retention.apply(now)

    assert (report.archived, report.anonymised) == (1, 1)
    assert report.anonymised_refs == (case.person.ref,)
    person = Person.objects.get(pk=case.person_id)
    assert person.anonymised_at == now
    assert (person.family_name, person.given_names, person.phone) == ("", "", "")
    assert (person.aliases, person.nationalities, person.languages) == ([], [], [])
    assert person.birth_date is None and person.sex == "U"
    for group, fields in FIELD_GROUPS.items():
        if group != "identity":
            assert all(getattr(person, field) == "" for field in fields), group
    assert person.full_name == "" and person.age_on(now.date()) is None

    assert not SearchToken.objects.filter(person=person).exists()
    for query in ["Amadou Fictif", "Fictif", "Amad", "06 12 34 56 78"]:
        assert matching_person_ids(query) == set(), query

    assert set(Event.objects.filter(case=case).values_list("summary", flat=True)) == {""}
    assert set(Contact.objects.filter(case=case).values_list("note", flat=True)) == {""}
    assert set(Transition.objects.filter(case=case).values_list("reason", flat=True)) == {""}

    # The case stays for statistics: status, dates, referent, participants, timeline codes.
    kept = Case.objects.get(pk=case.pk)
    assert (kept.status, kept.opened_at, kept.closed_at) == (
        S.CLOSED,
        case.opened_at,
        case.closed_at,
    )
    assert kept.referent_org_id == case.referent_org_id and kept.archived_at == now
    assert (
        list(kept.participants.order_by("pk").values_list("organisation_id", "role", "groups"))
        == participants
    )
    assert Event.objects.filter(case=case, kind="status").exists()
    assert Contact.objects.filter(case=case, channel=ContactChannel.PHONE).exists()

    entry = JournalEntry.objects.get(action=Action.RETENTION_ANONYMISE)
    assert entry.object_ref == person.ref and entry.user is None
    assert set(entry.groups) == set(FIELD_GROUPS)


def test_other_people_are_left_alone(old_case, outsider, now):
    other = services.open_case(
        outsider.actor, {**PERSON, "family_name": "Autre"}, first_contact="Orienté par le 115"
    )
    retention.apply(now)
    kept = Person.objects.get(pk=other.person_id)
    assert kept.anonymised_at is None and kept.family_name == "Autre"
    assert kept.social_notes == PERSON["social_notes"]
    assert matching_person_ids("Amadou Autre") == {kept.pk}
    assert "Orienté par le 115" in other.events.values_list("summary", flat=True)


@pytest.mark.parametrize("second_closed_days_ago", [None, 100, ANONYMISE_DAYS - 1])
def test_a_person_with_an_open_or_recent_case_is_not_anonymised(
    old_case, referent, now, second_closed_days_ago
):
    person = old_case.person
    second = services.open_case(referent.actor, {}, person=person)
    services.add_note(referent.actor, second, text="Revenu à la permanence")
    if second_closed_days_ago is not None:
        close(second, referent, now - days(second_closed_days_ago))

    report = retention.apply(now)

    person.refresh_from_db()
    assert report.anonymised == 0 and person.anonymised_at is None
    assert person.family_name == "Fictif"
    assert matching_person_ids("Amadou Fictif") == {person.pk}
    assert "A parlé de son cousin Moussa" in old_case.events.values_list("summary", flat=True)
    old_case.refresh_from_db()
    assert old_case.archived_at == now  # the old case is archived all the same


def test_a_person_whose_cases_are_all_old_is_anonymised_with_all_their_cases(
    old_case, referent, now
):
    person = old_case.person
    second = services.open_case(referent.actor, {}, person=person)
    services.add_note(referent.actor, second, text="Revenu à la permanence")
    close(second, referent, now - days(ANONYMISE_DAYS + 10))

    report = retention.apply(now)

    assert (report.archived, report.anonymised) == (2, 1)
    summaries = Event.objects.filter(case__person=person).values_list("summary", flat=True)
    assert set(summaries) == {""}


def test_a_case_reopened_meanwhile_keeps_its_person(old_case, referent, now, monkeypatch):
    """The rule is checked again under lock: a stale list of people due anonymises nobody."""
    stale = list(retention.due_for_anonymisation(now).values_list("pk", flat=True))
    lifecycle.move(old_case, S.OPEN, referent.actor)
    monkeypatch.setattr(
        retention, "due_for_anonymisation", lambda now: Person.objects.filter(pk__in=stale)
    )
    report = retention.apply(now)
    person = Person.objects.get(pk=old_case.person_id)
    assert report.anonymised == 0 and person.family_name == "Fictif"
    assert not JournalEntry.objects.filter(action=Action.RETENTION_ANONYMISE).exists()


def test_a_second_run_changes_nothing_and_journals_nothing(old_case, now):
    first = retention.apply(now)
    size = journal_size()
    person = Person.objects.get(pk=old_case.person_id)

    second = retention.apply(now + days(1))

    assert (first.archived, first.anonymised) == (1, 1)
    assert (second.archived, second.anonymised) == (0, 0)
    assert journal_size() == size
    again = Person.objects.get(pk=old_case.person_id)
    assert (again.anonymised_at, again.version) == (person.anonymised_at, person.version)
    assert Case.objects.get(pk=old_case.pk).archived_at == now


def test_dry_run_changes_nothing_and_says_what_would_be_done(old_case, now):
    size = journal_size()
    report = retention.apply(now, dry_run=True)

    assert report.dry_run
    assert (report.archived, report.anonymised) == (1, 1)
    assert report.archived_refs == (old_case.ref,)
    assert report.anonymised_refs == (old_case.person.ref,)
    assert journal_size() == size
    assert Case.objects.get(pk=old_case.pk).archived_at is None
    person = Person.objects.get(pk=old_case.person_id)
    assert person.anonymised_at is None and person.family_name == "Fictif"
    assert matching_person_ids("Amadou Fictif") == {person.pk}
    assert "A parlé de son cousin Moussa" in old_case.events.values_list("summary", flat=True)


def test_command_prints_what_it_did(old_case):
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert (
        out.getvalue().strip() == "archived 1 case, anonymised 1 person (dry run: nothing changed)"
    )
    assert Person.objects.get(pk=old_case.person_id).anonymised_at is None

    out = io.StringIO()
    call_command("retention", stdout=out)
    assert out.getvalue().strip() == "archived 1 case, anonymised 1 person"

    out = io.StringIO()
    call_command("retention", verbosity=2, stdout=out)
    assert out.getvalue().strip() == "archived 0 cases, anonymised 0 people"


def test_command_lists_refs_when_verbose(old_case):
    out = io.StringIO()
    call_command("retention", "--dry-run", verbosity=2, stdout=out)
    assert f"archive {old_case.ref}" in out.getvalue()
    assert f"anonymise {old_case.person.ref}" in out.getvalue()


def test_journal_still_verifies_after_a_run(old_case, now):
    retention.apply(now)
    result = verify()
    assert result.ok and result.checked == journal_size()
    call_command("audit", "verify", stdout=io.StringIO())


def test_database_refuses_an_archived_open_case(case, now):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(archived_at=now)


def test_every_personal_field_of_a_person_is_erased():
    """A field added to Person must join a field group (and so be erased) or be listed here."""
    bookkeeping = {"id", "ref", "created_at", "version", "anonymised_at"}
    fields = {field.name for field in Person._meta.concrete_fields}
    assert fields - bookkeeping == set(retention.erased_values())


def test_anonymisation_erases_break_glass_reasons(case, referent, coordinator, now):
    from parcours.access import breakglass
    from parcours.cases.models import BreakGlassGrant

    breakglass.open_case(
        coordinator.actor, case.ref, "Appel concernant Amadou Fictif, en danger ce soir à Lyon."
    )
    close(case, referent, now - days(ANONYMISE_DAYS) - MINUTE)
    retention.apply(now)
    assert BreakGlassGrant.objects.get(case=case).reason == ""
