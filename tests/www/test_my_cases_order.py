"""My cases (issue 14, item 2): the caseworker's own cases first, then the organisation's; a
filter keeps only those they follow."""

import datetime

from django.urls import reverse
from django.utils import timezone

from parcours.cases import services
from tests.conftest import sign_in


def test_my_own_cases_come_first_and_a_filter_keeps_only_them(client, referent, colleague):
    now = timezone.now()
    mine = services.open_case(
        colleague.actor,
        {"family_name": "Fictif", "given_names": "Ancien"},
        opened_at=now - datetime.timedelta(days=30),
    )
    theirs = services.open_case(referent.actor, {"family_name": "Fictif", "given_names": "Récent"})
    sign_in(client, colleague)
    page = client.get(reverse("my_cases")).content.decode()
    assert page.index(mine.ref) < page.index(theirs.ref)  # older, but followed by me
    only = client.get(reverse("my_cases"), {"referent": "me"}).content.decode()
    assert mine.ref in only and theirs.ref not in only
    both = client.get(reverse("my_cases"), {"referent": "mine"}).content.decode()
    assert mine.ref in both and theirs.ref in both
    sign_in(client, referent)
    page = client.get(reverse("my_cases")).content.decode()
    assert page.index(theirs.ref) < page.index(mine.ref)
