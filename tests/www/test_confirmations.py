"""Acts that cannot be taken back ask first and say what will follow (issue 11, point 7):
withdrawing a consent, ending a participation, removing a danger zone, cancelling a proposal.
The first button only opens the question; the act is the second, inside it."""

import re

import pytest
from django.urls import reverse

from parcours.shelter import placement, zones
from tests.conftest import sign_in
from tests.factories import FacilityFactory
from tests.shelter.conftest import yesterday
from tests.www.conftest import give_consent

CONFIRMS = {
    "confirm-participant-end": ("Remove", "Yes, end its participation", "will no longer see"),
    "confirm-consent-withdraw": ("Withdraw the consent", "Yes, withdraw", "can consent again"),
    "confirm-zone-remove": ("Remove", "Yes, remove the zone", "no longer be kept away"),
    "confirm-placement-cancel": ("Cancel", "Yes, cancel this proposal", "next facility in line"),
}


ACT = re.compile(r"/(participants|consentements|zones)/\d+/retrait/|/annulation/")


@pytest.fixture
def page(client, referent, case, recipient, host):
    give_consent(referent, case, recipient.actor.organisation)
    zones.assess(referent.actor, case, dangers=[], level="medium")
    zones.add_zone(
        referent.actor, case, kind="departement", reason="exploitation", departement="06"
    )
    request = placement.create_request(referent.actor, case, sex="M", consent_date=yesterday())
    placement.propose(
        referent.actor, request, [FacilityFactory(organisation=host.actor.organisation)]
    )
    client.cookies["django_language"] = "en"
    sign_in(client, referent)
    return client.get(reverse("case_detail", kwargs={"ref": case.ref})).content.decode()


@pytest.mark.parametrize("testid", sorted(CONFIRMS))
def test_the_act_asks_first_and_says_what_follows(page, testid):
    label, confirm, consequence = CONFIRMS[testid]
    block = re.search(
        rf'<details class="parcours-confirm" data-testid="{testid}">(.*?)</details>', page, re.S
    )
    assert block, f"{testid}: no confirmation on the page"
    summary, rest = block.group(1).split("</summary>", 1)
    assert label in summary and "<form" not in summary  # the first click only asks
    assert consequence in rest and confirm in rest and 'method="post"' in rest


def test_no_form_of_these_acts_is_posted_by_a_single_click(page):
    acts = [
        m
        for m in re.finditer(r'<form method="post" action="([^"]+)"', page)
        if ACT.search(m.group(1))
    ]
    assert len(acts) == 4
    for match in acts:
        opened = page.rfind('<details class="parcours-confirm"', 0, match.start())
        closed = page.rfind("</details>", 0, match.start())
        assert opened > closed, f"{match.group(1)} is posted without asking first"
