"""The territorial coordinator's triage: the queue of their département, a case opened for a
referent organisation of it (the report's text on the timeline, the organisation told), or the
report closed with a coded reason; journaled; nobody else triages."""

import html

import pytest

from parcours.access import rules
from parcours.alerts.models import Notification
from parcours.audit.models import JournalEntry
from parcours.cases.enums import EventKind
from parcours.core.actor import actor_for
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.roles import OrganisationKind, Role
from parcours.reporting import triage
from parcours.reporting.enums import CloseReason, ReportStatus
from parcours.reporting.models import Report
from tests import personas
from tests.factories import OrganisationFactory
from tests.reporting import CONTACT, SEEN, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def association(referent):
    """The referent persona's association (Gironde): it may hold cases."""
    return referent.actor.organisation


def test_the_coordinator_opens_a_case_for_an_association_of_the_departement(
    territorial, referent, association
):
    report = make_report()
    case = triage.open_case(territorial.actor, report, association)
    assert case.referent_org == association and case.referent_user is None
    assert case.person.aliases == [f"Signalement {report.ref}"]
    opened = case.events.get(kind=EventKind.OPENED)
    assert "Bordeaux" in opened.summary and report.ref in opened.summary
    # What the reporter wrote and their contact are a note of the safety group, not the
    # opening event every reader of the social group sees.
    assert SEEN not in opened.summary and CONTACT not in opened.summary
    note = case.events.get(kind=EventKind.NOTE)
    assert note.group == "safety" and SEEN in note.summary and CONTACT in note.summary
    assert opened.data == {"report": report.ref}
    assert opened.describe() == f"À partir du signalement public {report.ref}"
    report.refresh_from_db()
    assert report.status == ReportStatus.CASE_OPENED and report.case == case
    assert report.handled_by == territorial.user and report.handled_at is not None
    # The association reads the case and what the reporter wrote; it was told.
    assert rules.can_view_case(referent.actor, case)
    assert rules.can_edit_case(referent.actor, case)
    told = Notification.objects.get(kind="case_from_report")
    assert told.organisation == association and told.ref == case.ref
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"case.create", "report.case_open"} <= actions


def test_the_name_given_is_the_person_s_alias(territorial, association):
    case = triage.open_case(territorial.actor, make_report(), association, name="  Mina  ")
    assert case.person.aliases == ["Mina"]


def test_a_report_is_handled_once(territorial, association):
    report = make_report()
    triage.open_case(territorial.actor, report, association)
    with pytest.raises(DomainError):
        triage.open_case(territorial.actor, Report.objects.get(pk=report.pk), association)
    with pytest.raises(DomainError):
        triage.close(territorial.actor, Report.objects.get(pk=report.pk), reason="duplicate")
    assert association.referent_cases.count() == 1


def test_a_stale_page_changes_nothing(territorial, association):
    report = make_report()
    stale = Report.objects.get(pk=report.pk)
    triage.close(territorial.actor, report, reason=CloseReason.DUPLICATE)
    with pytest.raises(DomainError):
        triage.open_case(territorial.actor, stale, association)  # read before it was closed
    assert not association.referent_cases.exists()


@pytest.mark.parametrize(
    "kind", [OrganisationKind.SHELTER_FACILITY, OrganisationKind.TERRITORIAL_COORDINATOR]
)
def test_only_an_organisation_that_may_hold_cases_becomes_referent(territorial, kind):
    organisation = OrganisationFactory(kind=kind, departement="33")
    with pytest.raises(NotAllowed):
        triage.open_case(territorial.actor, make_report(), organisation)
    assert organisation not in triage.referent_choices(territorial.actor, make_report())


def test_no_case_for_an_organisation_of_another_departement(territorial, outsider):
    report = make_report()
    with pytest.raises(NotAllowed):
        triage.open_case(territorial.actor, report, outsider.actor.organisation)  # Rhône
    assert Report.objects.get(pk=report.pk).status == ReportStatus.NEW


def test_the_coordinator_of_another_departement_triages_nothing_here(association):
    other = personas.territorial("coord06", dep="06")
    report = make_report()
    assert not Report.objects.visible_to(other.actor).exists()
    with pytest.raises(NotAllowed):
        triage.open_case(other.actor, report, association)
    with pytest.raises(NotAllowed):
        triage.close(other.actor, report, reason=CloseReason.DUPLICATE)


def test_nobody_else_triages(referent, coordinator, participant):
    make_report()
    for persona in (referent, coordinator, participant):
        assert not triage.can_triage(persona.actor)
        assert not Report.objects.visible_to(persona.actor).exists()
    assert not Report.objects.visible_to(None).exists()


def test_the_rule_can_open_case_for(territorial, referent, coordinator, association):
    assert rules.can_open_case_for(territorial.actor, association)
    assert not rules.can_open_case_for(coordinator.actor, association)  # national
    assert not rules.can_open_case_for(referent.actor, association)  # a caseworker
    manager = personas.make_persona(
        "manager33", organisation=territorial.actor.organisation, role=Role.MANAGER
    )
    assert not rules.can_open_case_for(manager.actor, association)
    association.active = False
    assert not rules.can_open_case_for(territorial.actor, association)


def test_a_caseworker_cannot_open_a_case_for_another_organisation(referent, siao_org):
    from parcours.cases import services

    with pytest.raises(NotAllowed):
        services.open_case(referent.actor, {"aliases": ["X"]}, referent_org=siao_org)


@pytest.fixture
def siao_org(db):
    return personas.siao().actor.organisation


def test_closing_needs_a_coded_reason_and_a_note_for_other(territorial):
    report = make_report()
    with pytest.raises(DomainError):
        triage.close(territorial.actor, report, reason="because")
    with pytest.raises(DomainError):
        triage.close(territorial.actor, report, reason=CloseReason.OTHER, note="  ")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.NEW
    triage.close(territorial.actor, report, reason=CloseReason.OTHER, note="Déjà signalé au 119")
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.status, fresh.close_reason, fresh.close_note) == (
        ReportStatus.CLOSED,
        CloseReason.OTHER,
        "Déjà signalé au 119",
    )
    assert fresh.handled_by_org == territorial.actor.organisation
    entry = JournalEntry.objects.get(action="report.close")
    assert entry.object_ref == report.ref and entry.reason == CloseReason.OTHER


def test_the_queue_shows_new_reports_first_the_oldest_first(territorial, clock, association):
    first = make_report()
    clock.shift(60)
    handled = make_report()
    clock.shift(60)
    last = make_report()
    triage.close(territorial.actor, first, reason=CloseReason.DUPLICATE)
    make_report("Grasse")  # another département
    assert list(triage.queue(territorial.actor)) == [handled, last, first]


def test_the_opened_case_is_the_coordinators_to_read_not_to_edit(territorial, association):
    case = triage.open_case(territorial.actor, make_report(), association)
    actor = actor_for(territorial.user)
    assert rules.can_view_case(actor, case) and not rules.can_edit_case(actor, case)


def test_a_partner_of_the_social_group_does_not_read_the_reporter(
    territorial, referent, association, client
):
    """The reporter's phone and words stay with the readers of the safety group."""
    from parcours.core.actor import actor_for
    from tests.conftest import sign_in
    from tests.personas import join_case, make_persona

    report = make_report()
    case = triage.open_case(territorial.actor, report, association)
    partner = make_persona("partenaire-social", dep="33")
    join_case(referent, case, partner, groups=("social",))
    partner.actor = actor_for(partner.user)
    sign_in(client, partner)
    response = client.get(f"/dossiers/{case.ref}/")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert CONTACT not in page and SEEN not in page
    sign_in(client, referent)
    page = html.unescape(client.get(f"/dossiers/{case.ref}/").content.decode())
    assert CONTACT in page and SEEN in page
