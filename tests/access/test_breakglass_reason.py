"""Break-glass asks for a real sentence, and shows what will be journaled and who will be told
before the coordinator confirms; nothing is granted until they do."""

import pytest
from django.urls import reverse

from parcours.access import breakglass
from parcours.alerts.models import Notification
from parcours.audit.models import JournalEntry
from parcours.cases.models import BreakGlassGrant
from parcours.core.errors import DomainError
from tests.conftest import sign_in

REASON = "Appel de la gendarmerie : la personne est signalée en danger immédiat ce soir."
FILLERS = [
    "a" * 30,
    "aaaa aaaa aaaa aaaa aaaa aaaa aaaa",
    "urgent urgent urgent urgent urgent urgent",
    "danger, danger ! danger : danger... danger danger",
    "Appel xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "zz yy xx ww vv uu tt ss rr qq pp oo nn",
]


@pytest.mark.parametrize("reason", FILLERS)
def test_filler_is_not_a_reason(case, coordinator, reason):
    assert breakglass.reason_problem(reason)
    with pytest.raises(DomainError, match="5"):
        breakglass.open_case(coordinator.actor, case.ref, reason)
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize(
    "reason",
    [
        REASON,
        "Le 115 signale qu'elle dort dehors près de Lyon cette nuit.",
        "Police call: the person is reported in immediate danger tonight.",
    ],
)
def test_a_real_sentence_is_a_reason(case, coordinator, reason):
    assert breakglass.reason_problem(reason) is None
    breakglass.open_case(coordinator.actor, case.ref, reason)
    assert BreakGlassGrant.objects.get(case=case).reason == reason


def _says(page, *phrases):
    """One of ``phrases`` (French once translated, English until then) is on the page."""
    return any(phrase in page for phrase in phrases)


def test_the_first_step_refuses_a_filler_or_an_unknown_case_before_any_summary(
    client, coordinator, case
):
    sign_in(client, coordinator)
    response = client.post(reverse("break_glass"), {"ref": case.ref, "reason": "a" * 30})
    page = response.content.decode()
    assert response.status_code == 200
    assert _says(page, "5 mots différents", "5 different words")
    assert 'data-testid="break-glass-summary"' not in page
    response = client.post(reverse("break_glass"), {"ref": "C-0000-00", "reason": REASON})
    page = response.content.decode()
    assert 'data-testid="break-glass-summary"' not in page
    assert _says(page, "Aucun dossier", "No case")
    assert not BreakGlassGrant.objects.exists()


def test_the_form_page_says_what_is_journaled_and_who_is_told(client, coordinator, settings):
    settings.BREAK_GLASS_HOURS = 2
    sign_in(client, coordinator)
    page = client.get(reverse("break_glass")).content.decode()
    assert _says(
        page,
        "votre motif, vos nom et organisation, la référence du dossier et l’heure",
        "your reason, your name and organisation, the case reference and the time",
    )
    assert _says(page, "l’organisation référente du dossier", "the referent organisation of the")
    assert _says(page, "2 heures", "2 hours")


def test_the_first_step_shows_a_summary_and_grants_nothing_until_confirmed(
    client, coordinator, referent, case, settings
):
    settings.BREAK_GLASS_HOURS = 2
    sign_in(client, coordinator)
    entries = JournalEntry.objects.filter(action="case.break_glass").count()
    response = client.post(reverse("break_glass"), {"ref": case.ref, "reason": REASON})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="break-glass-summary"' in page
    assert REASON in page and case.ref in page
    assert coordinator.actor.organisation.name in page
    assert (coordinator.user.get_full_name() or coordinator.user.get_username()) in page
    assert _says(page, "2 heures", "2 hours")
    assert 'name="step" value="confirm"' in page
    # who holds the case is not revealed before the access is granted
    assert case.referent_org.name not in page
    # nothing granted, journaled or told yet
    assert not BreakGlassGrant.objects.exists()
    assert JournalEntry.objects.filter(action="case.break_glass").count() == entries
    assert not Notification.objects.filter(kind="break_glass").exists()
    assert client.get(reverse("case_detail", kwargs={"ref": case.ref})).status_code == 404
    # "change": the form again, filled in, still nothing granted
    response = client.post(
        reverse("break_glass"), {"ref": case.ref, "reason": REASON, "step": "edit"}
    )
    assert 'name="step" value="review"' in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    # "confirm": granted, journaled, and the case opens
    response = client.post(
        reverse("break_glass"), {"ref": case.ref, "reason": REASON, "step": "confirm"}
    )
    assert response["Location"] == reverse("case_detail", kwargs={"ref": case.ref})
    assert BreakGlassGrant.objects.get(case=case).reason == REASON
    assert JournalEntry.objects.filter(action="case.break_glass").count() == entries + 1
    assert client.get(response["Location"]).status_code == 200
