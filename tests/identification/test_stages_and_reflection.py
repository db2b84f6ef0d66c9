"""Stages of identification and the reflection period (issue 13, items 3 and 4; scenario S2,
step 5): after identification by the police the 30-day reflection period starts, its end date
is on the case, the referent is alerted five days before it, once; the information given to the
person is recorded. The stages feed the rights engine. A second set with other names, towns and
dates gives the same verdicts."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from parcours.alerts.models import Notification
from parcours.cases import services as cases
from parcours.cases.models import Event
from parcours.core.errors import DomainError, NotAllowed
from parcours.identification import exploitation, reflection, stages
from parcours.identification.models import Stage
from parcours.rights import services as rights
from tests import personas
from tests.personas import make_persona

TODAY = timezone.localdate


def _salma(referent):
    return cases.open_case(referent.actor, {"family_name": "Exemple", "given_names": "Salma"})


def test_s2_the_police_identify_and_the_reflection_period_ends_30_days_later(
    referent, participant, case
):
    identified_on = TODAY() - datetime.timedelta(days=3)
    stages.record_stage(participant.actor, case, "identified", identified_on)
    period = reflection.period_of(case)
    assert period.starts_on == identified_on
    assert period.ends_on == identified_on + datetime.timedelta(days=30)
    assert period.alert_on == period.ends_on - datetime.timedelta(days=5)
    verdict = rights.evaluate_case(case)["reflection_period"]
    assert [day for _limit, day in verdict.dates] == [period.ends_on]
    event = Event.objects.get(case=case, kind="identification")
    assert event.group == "justice" and event.data["stage"] == "identified"
    assert "Exemple" not in str(event.data)


@pytest.mark.parametrize(
    ("days_ago", "alerted"),
    [(24, False), (25, True), (27, True), (29, True), (30, False)],
)
def test_the_referent_is_alerted_five_days_before_the_end_once(
    referent, participant, case, days_ago, alerted
):
    stages.record_stage(
        participant.actor, case, "identified", TODAY() - datetime.timedelta(days=days_ago)
    )
    now = timezone.now()
    assert reflection.alert_ending(now) == int(alerted)
    assert reflection.alert_ending(now) == 0  # a second round sends nothing more
    notes = Notification.objects.filter(kind="reflection_ending", ref=case.ref)
    assert notes.count() == int(alerted)
    if alerted:
        assert notes.get().organisation == referent.actor.organisation


def test_the_information_given_is_recorded_and_bad_input_changes_nothing(participant, case):
    stages.record_stage(participant.actor, case, "identified", TODAY())
    with pytest.raises(DomainError):
        reflection.record_information(participant.actor, case, given_on=TODAY(), language=" ")
    with pytest.raises(DomainError):  # in the future
        reflection.record_information(
            participant.actor, case, given_on=TODAY() + datetime.timedelta(days=2), language="ar"
        )
    reflection.record_information(
        participant.actor, case, given_on=TODAY(), language="arabe", interpreter="Interprète fictif"
    )
    informed = reflection.period_of(case).informed
    assert (informed.language, informed.interpreter) == ("arabe", "Interprète fictif")


def test_only_police_or_gendarmerie_identify_and_the_referent_names_the_unit(
    referent, participant, case
):
    with pytest.raises(DomainError):
        stages.record_stage(referent.actor, case, "identified", TODAY())
    association = make_persona("asso-x", dep="33").actor.organisation
    with pytest.raises(DomainError):
        stages.record_stage(referent.actor, case, "identified", TODAY(), by=association)
    unit = participant.actor.organisation
    stage = stages.record_stage(referent.actor, case, "identified", TODAY(), by=unit)
    assert stage.organisation == unit and stage.recorded_by == referent.user


def test_who_records_which_stage(referent, participant, outsider, case):
    with pytest.raises(NotAllowed):  # a police unit does not say who is a presumed victim
        stages.record_stage(participant.actor, case, "presumed", TODAY())
    with pytest.raises(NotAllowed):
        stages.record_stage(outsider.actor, case, "reported", TODAY())
    stages.record_stage(referent.actor, case, "presumed", TODAY())
    stages.record_stage(participant.actor, case, "complaint", TODAY())
    assert list(stages.stages_of(case)) == ["presumed", "complaint"]


def test_a_stage_cannot_come_before_the_one_it_follows_and_a_correction_rewrites(participant, case):
    stages.record_stage(participant.actor, case, "identified", TODAY())
    with pytest.raises(DomainError):
        stages.record_stage(
            participant.actor, case, "complaint", TODAY() - datetime.timedelta(days=1)
        )
    stages.record_stage(participant.actor, case, "identified", TODAY() - datetime.timedelta(days=4))
    assert Stage.objects.filter(case=case).count() == 1
    assert Event.objects.filter(case=case, kind="identification").count() == 2


def test_the_stages_give_the_rights_their_facts(referent, participant, case):
    stages.record_stage(participant.actor, case, "identified", TODAY())
    stages.record_stage(participant.actor, case, "complaint", TODAY())
    rights.record_fact(referent.actor, case, "eu_national", False)
    rights.record_fact(referent.actor, case, "ties_broken", True)
    rights.record_fact(referent.actor, case, "public_order_threat", False)
    verdicts = rights.evaluate_case(case)
    assert verdicts["receipt_during_procedure"].state == "eligible"
    assert verdicts["reflection_period"].state == "eligible"


def test_another_woman_elsewhere_gets_the_same_verdicts(referent):
    """In Limoges, a gendarmerie unit identified Oksana on 2 March of last year: the period
    ended 30 days later; no alert is due now."""
    gendarmes = make_persona("gend87", kind="gendarmerie", dep="87", role="investigator")
    case = cases.open_case(referent.actor, {"family_name": "Fictive", "given_names": "Oksana"})
    on = datetime.date(TODAY().year - 1, 3, 2)
    stages.record_stage(referent.actor, case, "identified", on, by=gendarmes.actor.organisation)
    period = reflection.period_of(case)
    assert period.ends_on == datetime.date(TODAY().year - 1, 4, 1)
    assert period.days_left(TODAY()) < 0
    assert reflection.alert_ending(timezone.now()) == 0


def test_the_period_follows_its_setting(settings, participant, case):
    settings.REFLECTION_PERIOD_DAYS = 45
    stages.record_stage(participant.actor, case, "identified", TODAY())
    assert reflection.period_of(case).ends_on == TODAY() + datetime.timedelta(days=45)


def test_the_setting_and_the_rights_catalogue_say_the_same_period():
    assert reflection.catalogue_days() == settings.REFLECTION_PERIOD_DAYS


def test_forms_of_exploitation_are_recorded_with_their_htcds_sub_types(participant, case):
    exploitation.record_forms(
        participant.actor, case, {"domestic_servitude": ["domestic_work"], "forced_begging": []}
    )
    found = {form.code: [s.htcds for s in subs] for form, subs in exploitation.forms_of(case)}
    assert found == {"domestic_servitude": ["DomesticWork"], "forced_begging": []}
    with pytest.raises(DomainError):
        exploitation.record_forms(participant.actor, case, {"sexual": ["farming"]})
    exploitation.record_forms(participant.actor, case, {"sexual": ["prostitution"]})
    assert [form.code for form, _s in exploitation.forms_of(case)] == ["sexual"]


def test_the_mapping_table_in_docs_is_the_code():
    from pathlib import Path

    doc = (Path(settings.BASE_DIR).parents[1] / "docs" / "exploitation-forms.md").read_text()
    assert exploitation.markdown_table() in doc


def test_the_sheet_of_rights_is_printed_in_the_persons_language_names_nobody_and_is_recorded(
    referent, participant, case
):
    from parcours.identification import sheet
    from parcours.identification.models import InformationSheet

    stages.record_stage(participant.actor, case, "identified", TODAY())
    rights.record_fact(referent.actor, case, "eu_national", False)
    for language in ("fr", "en"):
        assert sheet.give(referent.actor, case, language).startswith(b"%PDF")
    html_en = _sheet_html(case, "en", full=True)
    assert "Your rights and time limits" in html_en and "30-day reflection period" in html_en
    assert case.ref in html_en and case.person.family_name not in html_en
    html_fr = _sheet_html(case, "fr", full=True)
    assert "Vos droits et vos délais" in html_fr and "Délai de réflexion de 30 jours" in html_fr
    given = InformationSheet.objects.filter(case=case).values_list("language", flat=True)
    assert sorted(given) == ["en", "fr"]
    with pytest.raises(DomainError):
        sheet.give(referent.actor, case, "tlh")
    with pytest.raises(NotAllowed):
        sheet.give(participant.actor, case, "fr")


def _sheet_html(case, language, full=False):
    from unittest import mock

    from parcours.identification import sheet

    with mock.patch.object(sheet, "render_pdf", side_effect=lambda html: html.encode()):
        return sheet.render(case, language, full=full).decode()


def test_the_sheet_does_not_tell_by_default_that_the_police_heard_her(referent, participant, case):
    """A paper found on the person must not tell the exploiters that she was identified or
    filed a complaint: the neutral sheet (the default) leaves out those rights and the
    reflection period; the full one is the referent's choice (review of issue 13)."""
    stages.record_stage(participant.actor, case, "identified", TODAY())
    stages.record_stage(participant.actor, case, "complaint", TODAY())
    rights.record_fact(referent.actor, case, "eu_national", False)
    from django.utils import translation

    from parcours.identification import sheet
    from parcours.rights.catalogue import catalogue

    neutral, full = _sheet_html(case, "en"), _sheet_html(case, "en", full=True)
    with translation.override("en"):
        telling = [str(r.name) for r in catalogue() if sheet.tells_cooperation(r)]
    assert "4-month receipt with the right to work" in telling
    assert "4-month receipt with the right to work" in full  # eligible after the complaint
    for name in telling:
        assert name not in neutral, name
    assert "reflection period" not in neutral.lower() and "reflection period" in full.lower()
    assert "legal aid" in neutral.lower()  # the rights that tell nothing stay


def test_a_note_too_long_is_refused_by_the_rule_itself(participant, case):
    with pytest.raises(DomainError):
        stages.record_stage(participant.actor, case, "identified", TODAY(), note="x" * 2001)
    assert not Stage.objects.filter(case=case).exists()


def test_a_save_of_the_forms_from_a_stale_page_is_refused_and_changes_nothing(
    referent, participant, case
):
    """The gendarme and the referent open the page at the same time: the gendarme's save goes
    through; the referent's, drawn before it, would erase it, and is refused."""
    seen = exploitation.fingerprint(case)
    exploitation.record_forms(
        participant.actor, case, {"domestic_servitude": ["domestic_work"]}, expected=seen
    )
    with pytest.raises(DomainError):
        exploitation.record_forms(referent.actor, case, {"sexual": []}, expected=seen)
    assert [form.code for form, _s in exploitation.forms_of(case)] == ["domestic_servitude"]
    exploitation.record_forms(
        referent.actor,
        case,
        {"sexual": [], "domestic_servitude": ["domestic_work"]},
        expected=exploitation.fingerprint(case),
    )
    assert len(exploitation.forms_of(case)) == 2
    # The page computes it from what it read: the same value as from the database.
    found = exploitation.forms_of(case)
    assert exploitation.fingerprint(case, found=found) == exploitation.fingerprint(case)


def test_the_unit_choices_are_the_departement_s_units_and_those_taking_part(referent, case):
    from parcours.www.cases.identification_forms import StageForm

    far_taking_part = personas.participant("far", dep="69")
    personas.join_case(referent, case, far_taking_part)
    far_elsewhere = personas.participant("elsewhere", dep="69")
    near = personas.participant("near", dep="33")
    units = set(StageForm(case=case, actor=referent.actor).fields["unit"].queryset)
    assert far_taking_part.actor.organisation in units
    assert near.actor.organisation in units
    assert far_elsewhere.actor.organisation not in units
    assert len(units) == len(
        list(StageForm(case=case, actor=referent.actor).fields["unit"].queryset)
    )
