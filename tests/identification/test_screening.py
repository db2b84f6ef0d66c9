"""Indicator screenings (issue 13, item 1): who may screen and read, drafts saved at any time
(any subset of answers, nothing lost), a stale page refused, completion storing the
recommendation, every write journaled; the minor case read from a year-only date of birth."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from parcours.audit.enums import Action
from parcours.audit.models import JournalEntry
from parcours.core.errors import DomainError, NotAllowed, StaleVersion
from parcours.identification import screening
from parcours.identification.models import Screening
from parcours.identification.qualification import PRESUMED_VICTIM, TO_EXAMINE
from tests import personas
from tests.shelter.conftest import host_the_person

ACT = "labour_recruited_by_intermediary"
MEANS = "ilo_retention_of_documents"
PURPOSE = "labour_unpaid"


@pytest.fixture(autouse=True)
def _june_2026():
    """A fixed day, so that "born in 2008" is a minor's youngest possible age (17)."""
    day = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        translation.activate("en")  # the messages as an English reader reads them
        yield


def _journal(action):
    return list(JournalEntry.objects.filter(action=action).order_by("seq"))


def test_front_line_members_of_the_case_may_screen_and_nobody_else(
    referent, colleague, participant, outsider, territorial, coordinator, host, case
):
    statistician = personas.statistician("stat", organisation=referent.actor.organisation)
    host_the_person(referent, case, host)
    assert screening.can_screen(referent.actor, case)
    assert screening.can_screen(colleague.actor, case)
    assert screening.can_screen(participant.actor, case)  # the police unit's investigator
    assert screening.can_screen(host.actor, case)  # the facility that hosts the person
    for who in (outsider, territorial, coordinator, statistician):
        assert not screening.can_screen(who.actor, case), who.name
        with pytest.raises(NotAllowed):
            screening.start(who.actor, case)
    assert not Screening.objects.exists()


def test_the_referent_and_the_writer_read_a_screening_others_do_not(
    referent, colleague, participant, territorial, host, case
):
    host_the_person(referent, case, host)
    by_police = screening.start(participant.actor, case)
    by_referent = screening.start(referent.actor, case)
    assert screening.can_read(referent.actor, by_police) and screening.can_read(
        colleague.actor, by_police
    )
    assert screening.can_read(participant.actor, by_police)
    assert not screening.can_read(participant.actor, by_referent)
    assert not screening.can_read(host.actor, by_police)
    assert not screening.can_read(territorial.actor, by_police)
    assert list(screening.readable(participant.actor, case)) == [by_police]
    assert set(screening.readable(referent.actor, case)) == {by_police, by_referent}


def test_a_draft_is_changed_by_its_organisation_only(referent, colleague, participant, case):
    draft = screening.start(participant.actor, case)
    with pytest.raises(NotAllowed, match="organisation that started"):
        screening.save_draft(referent.actor, draft, answers={ACT: "observed"})
    mine = screening.start(referent.actor, case)
    saved = screening.save_draft(colleague.actor, mine, answers={ACT: "observed"})
    assert saved.answers == {ACT: "observed"}


def test_starting_twice_opens_the_same_draft_and_is_journaled_once(referent, case):
    first = screening.start(referent.actor, case)
    again = screening.start(referent.actor, case)
    assert again.pk == first.pk and Screening.objects.count() == 1
    assert first.catalogue_version == 1 and first.status == "draft"
    (entry,) = _journal(Action.SCREENING_START)
    assert entry.object_ref == case.ref and entry.reason == f"screening:{first.pk}"


def test_a_draft_takes_any_subset_of_answers_and_keeps_the_earlier_ones(referent, case):
    draft = screening.start(referent.actor, case)
    draft = screening.save_draft(
        referent.actor, draft, answers={ACT: "observed"}, expected_version=draft.version
    )
    draft = screening.save_draft(
        referent.actor,
        draft,
        answers={PURPOSE: "reported", MEANS: "unknown"},
        notes="Dit travailler sans salaire depuis mars (fictif).",
        expected_version=draft.version,
    )
    stored = Screening.objects.get(pk=draft.pk)
    assert stored.answers == {ACT: "observed", PURPOSE: "reported", MEANS: "unknown"}
    assert stored.notes.startswith("Dit travailler") and stored.status == "draft"
    assert stored.version == 3 and stored.recommendation == ""
    assert len(_journal(Action.SCREENING_SAVE)) == 2


def test_unknown_indicators_or_answers_are_refused_and_nothing_changes(referent, case):
    draft = screening.start(referent.actor, case)
    draft = screening.save_draft(referent.actor, draft, answers={ACT: "observed"})
    with translation.override("en"), pytest.raises(DomainError) as error:
        screening.save_draft(
            referent.actor, draft, answers={PURPOSE: "observed", "palm_reading": "observed"}
        )
    assert error.value.message == "Unknown indicators: palm_reading. Nothing was saved."
    with pytest.raises(DomainError, match="observed, reported by the person"):
        screening.save_draft(referent.actor, draft, answers={PURPOSE: "maybe"})
    stored = Screening.objects.get(pk=draft.pk)
    assert stored.answers == {ACT: "observed"} and stored.version == draft.version
    assert len(_journal(Action.SCREENING_SAVE)) == 1


def test_a_stale_page_is_refused_with_a_clear_message(referent, colleague, case):
    draft = screening.start(referent.actor, case)
    seen = draft.version
    screening.save_draft(colleague.actor, draft, answers={ACT: "observed"}, expected_version=seen)
    with translation.override("en"), pytest.raises(StaleVersion) as error:
        screening.save_draft(
            referent.actor, draft, answers={ACT: "not_observed"}, expected_version=seen
        )
    assert "Someone saved this screening meanwhile" in str(error.value.message)
    assert Screening.objects.get(pk=draft.pk).answers == {ACT: "observed"}


def test_completing_stores_the_recommendation_and_closes_the_draft(referent, case):
    draft = screening.start(referent.actor, case)
    done = screening.complete(
        referent.actor, draft, answers=dict.fromkeys((ACT, MEANS, PURPOSE), "observed")
    )
    stored = Screening.objects.get(pk=draft.pk)
    assert stored.status == "completed" and stored.recommendation == PRESUMED_VICTIM
    assert stored.completed_at == timezone.now()
    (entry,) = _journal(Action.SCREENING_COMPLETE)
    assert entry.reason == f"screening:{draft.pk}:presumed_victim"
    with pytest.raises(DomainError, match="completed: start a new one"):
        screening.save_draft(referent.actor, done, answers={ACT: "not_observed"})
    assert screening.start(referent.actor, case).pk != draft.pk  # a new draft


def test_completing_needs_at_least_one_answer(referent, case):
    draft = screening.start(referent.actor, case)
    with pytest.raises(DomainError, match="at least one indicator"):
        screening.complete(referent.actor, draft, answers={ACT: "unknown"})
    assert Screening.objects.get(pk=draft.pk).status == "draft"


def _born(case, **birth):
    person = case.person
    person.birth_date = birth
    person.save()
    case.refresh_from_db()


def test_a_person_born_in_a_year_only_is_taken_at_the_youngest_age_no_means_needed(referent, case):
    _born(case, year=2008)  # 17 or 18 on 15 June 2026: the youngest, 17
    draft = screening.start(referent.actor, case)
    done = screening.complete(referent.actor, draft, answers={ACT: "observed", PURPOSE: "reported"})
    assert done.recommendation == PRESUMED_VICTIM
    found = screening.qualification_of(done)
    assert found.minor and not found.element("means").required
    assert "under 18" in " ".join(str(r) for r in _in_english(done).reasons)


def test_an_adult_without_means_is_to_examine(referent, case):
    _born(case, year=2000, month=1, day=1)
    draft = screening.start(referent.actor, case)
    done = screening.complete(referent.actor, draft, answers={ACT: "observed", PURPOSE: "reported"})
    assert done.recommendation == TO_EXAMINE
    assert not screening.qualification_of(done).minor


def test_the_age_is_the_one_on_the_day_the_screening_was_completed(referent, case):
    _born(case, year=2008, month=12, day=1)  # 17 on completion, 18 since 1 December 2026
    draft = screening.start(referent.actor, case)
    done = screening.complete(referent.actor, draft, answers={ACT: "observed", PURPOSE: "reported"})
    with time_machine.travel(datetime.datetime(2027, 1, 10, tzinfo=datetime.UTC)):
        assert screening.qualification_of(done).minor
        assert not screening.qualification_of(screening.start(referent.actor, case)).minor


def _in_english(done):
    with translation.override("en"):
        return screening.qualification_of(done)


def test_latest_for_gives_the_newest_readable_screening_with_its_qualification(
    referent, participant, outsider, territorial, case
):
    assert screening.latest_for(referent.actor, case) is None
    mine = screening.start(referent.actor, case)
    screening.save_draft(referent.actor, mine, answers={ACT: "observed"})
    with time_machine.travel(datetime.datetime(2026, 6, 16, tzinfo=datetime.UTC)):
        theirs = screening.start(participant.actor, case)
        screening.save_draft(participant.actor, theirs, answers={MEANS: "observed"})
    latest = screening.latest_for(referent.actor, case)
    assert latest.screening.pk == theirs.pk
    assert latest.qualification.element("means").supported
    assert screening.latest_for(participant.actor, case).screening.pk == theirs.pk
    assert screening.latest_for(outsider.actor, case) is None
    assert screening.latest_for(territorial.actor, case) is None


def test_a_reader_without_the_identity_group_does_not_learn_the_persons_age(referent):
    """A partner that sees only the social group wrote a screening of a minor: its page
    assesses the means as for an adult and says why; the referent's reads the minor's route."""
    from tests.identification.builders import girl_with_a_social_partner

    young, social = girl_with_a_social_partner(referent)
    found = screening.start(social.actor, young)
    hidden = screening.qualification_of(found, young, reader=social.actor)
    assert not hidden.minor and "age is not shared" in " ".join(hidden.reasons)
    shown = screening.qualification_of(found, young, reader=referent.actor)
    assert shown.minor


def test_the_database_keeps_one_draft_per_organisation_and_case(referent, case):
    """Two clicks at the same moment: the second insert is refused by the database, and the
    service hands back the draft the first one made."""
    from django.db import IntegrityError, transaction

    first = screening.start(referent.actor, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.create(
            case=case,
            organisation=first.organisation,
            created_by=first.created_by,
            catalogue_version=first.catalogue_version,
            created_at=first.created_at,
            updated_at=first.updated_at,
        )
    assert screening.start(referent.actor, case) == first
