"""Scenario S2, steps 2-4, in real browsers: Salma's association (Grasse) records the SIAO's
emergency place in the same town and Parcours blocks it, saying why; the ranked list holds only
places far from every danger zone (only the coordinator may allow the blocked place, in
writing); the association proposes a partner facility in Rennes, whose
staff accept at their own screen; the gendarmerie, taking part for the hearing, sees the justice
information and not where she sleeps."""

import pytest

from parcours.audit.models import JournalEntry
from parcours.cases.models import Case
from parcours.core.geography import great_circle_km
from parcours.shelter.models import Facility, Placement

pytestmark = pytest.mark.e2e

GRASSE = (43.6589, 6.9237)


@pytest.mark.e2e
def test_s2_blocked_in_town_then_placed_far_away(e2e_pages, signed_in, demo):
    case = Case.objects.get(intake_token=demo._token("S2"))
    request = case.placement_requests.get()
    rennes = Facility.objects.filter(departement="35").order_by("pk").first()
    rennes.free = max(rennes.free, 1)
    rennes.save(update_fields=["free"])

    # 2. The SIAO's place in the same town is entered by hand: refused, with the reason.
    association = signed_in("lea.asso06")
    page = association.page
    association.goto(f"/dossiers/{case.ref}/mise-a-l-abri/{request.pk}/")
    page.locator("details summary").last.click()
    form = page.get_by_test_id("by-hand-form")
    form.locator("[name=name]").fill("Place d'urgence proposée par le SIAO")
    form.locator("[name=commune]").fill("Grasse")
    association.submit(form)
    refusal = page.get_by_test_id("by-hand-errors").text_content()
    assert "Alpes-Maritimes" in refusal and "coordinat" in refusal.lower()
    assert not Placement.objects.filter(case=case).exists()

    # Only the coordinator may allow it, in writing: the override is journaled and the
    # referent is told. (She signs in with a security key, as coordinators must.)
    coordinator = e2e_pages()
    coordinator.sign_in_and_register_a_key(
        "marie.coord06", demo.DEMO_PASSWORD, demo.DEMO_TOTP_SECRET
    )
    coordinator.goto(f"/dossiers/{case.ref}/mise-a-l-abri/{request.pk}/")
    coordinator.page.locator("details summary").last.click()
    form = coordinator.page.get_by_test_id("by-hand-form")
    form.locator("[name=name]").fill("Place d'urgence proposée par le SIAO")
    form.locator("[name=commune]").fill("Grasse")
    form.locator("[name=override_reason]").fill(
        "Un seul essai pour vérifier la dérogation (fictif)."
    )
    coordinator.submit(form)
    overridden = Placement.objects.get(case=case)
    assert overridden.overridden_by.username == "marie.coord06"
    assert JournalEntry.objects.filter(action="safety.override").count() == 1
    association.goto("/notifications/")
    assert case.ref in page.get_by_test_id("notifications").text_content()
    # The association cancels that place: Salma must go far away.
    association.goto(f"/dossiers/{case.ref}/")
    # Cancelling asks first and says what follows; the act is the second button.
    question = page.get_by_test_id("confirm-placement-cancel")
    question.locator("summary").click()
    assert "suivant est sollicité" in question.text_content()
    cancel = page.locator(f"form[action$='/placements/{overridden.pk}/annulation/']")
    association.submit(cancel)
    request.refresh_from_db()

    # 3. The ranked list: only places outside every zone, 150 km or more from each.
    association.goto(f"/dossiers/{case.ref}/mise-a-l-abri/{request.pk}/")
    rows = page.locator("[data-testid=ranked] tbody tr")
    ids = [int(rows.nth(i).get_attribute("data-facility")) for i in range(rows.count())]
    assert ids and rennes.pk in ids
    for facility in Facility.objects.filter(pk__in=ids):
        assert facility.departement not in ("06", "69")
        assert great_circle_km(*GRASSE, facility.lat, facility.lon) >= 150 + 20
        assert facility.accepts_women
    form = page.get_by_test_id("propose-form")
    form.locator(f"input[name=facilities][value='{rennes.pk}']").check()
    association.submit(form)
    assert page.url.endswith(f"/dossiers/{case.ref}/")

    # The partner facility, 900 km away, accepts at its own screen.
    shelter = signed_in("jeanne.chrs35")
    shelter.goto("/hebergement/propositions/")
    proposal = Placement.objects.get(case=case, facility=rennes, status="proposed")
    card = shelter.page.get_by_test_id(f"proposal-{proposal.pk}")
    assert "Salma" not in card.text_content()  # not a participant yet: the need, not the name
    card.locator("input[name=decision][value=accept]").check(force=True)
    shelter.submit(card.locator("form"))
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert great_circle_km(*GRASSE, rennes.lat, rennes.lon) > 400

    # 4. The gendarmerie sees the justice information, not where she sleeps.
    gendarmerie = signed_in("julien.gend06")
    gendarmerie.goto(f"/dossiers/{case.ref}/")
    text = gendarmerie.page.locator("main").text_content()
    assert "Salma" in text  # identity is shared with it
    assert rennes.name not in text and rennes.address not in text
    assert "Partenaire" not in text and "Rennes" not in text
    # The association's caseworker, who may not reveal locations, sees that it is accepted.
    association.goto(f"/dossiers/{case.ref}/")
    placements = page.get_by_test_id("placements").text_content()
    assert "Accepté" in placements and rennes.name not in placements

    # The refused form answered 400 on purpose (the browser logs it); nothing else.
    association.console_errors[:] = [
        e for e in association.console_errors if not ("/a-la-main/" in e and "400" in e)
    ]
    for browser_page in (association, shelter, gendarmerie, coordinator):
        browser_page.assert_no_console_errors()
