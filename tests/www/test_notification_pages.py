"""The notifications page and the count in the header."""

from django.urls import reverse

from parcours.alerts.models import NotificationRead
from parcours.cases.notices import tell_referent
from tests.conftest import sign_in


def test_the_header_counts_unread_and_the_page_lists_them(client, referent, case):
    tell_referent(case, "contact_lost", {"days": 30})
    sign_in(client, referent)
    page = client.get(reverse("my_cases")).content.decode()
    assert 'data-testid="unread-count">1<' in page
    listing = client.get(reverse("notifications")).content.decode()
    assert f"Case {case.ref}: contact lost" in listing or f"{case.ref} : contact perdu" in listing


def test_opening_marks_read_and_follows_the_link(client, referent, case):
    notification = tell_referent(case, "contact_lost", {"days": 30})
    sign_in(client, referent)
    response = client.post(reverse("notification_open", kwargs={"pk": notification.pk}))
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{case.ref}/"
    assert NotificationRead.objects.filter(user=referent.user).count() == 1
    assert 'data-testid="unread-count"' not in client.get(reverse("my_cases")).content.decode()


def test_another_organisations_notification_is_404(client, participant, case):
    notification = tell_referent(case, "contact_lost", {"days": 30})
    sign_in(client, participant)
    response = client.post(reverse("notification_open", kwargs={"pk": notification.pk}))
    assert response.status_code == 404
    assert case.ref not in client.get(reverse("notifications")).content.decode()


def test_mark_all_as_read(client, referent, case):
    tell_referent(case, "contact_lost", {"days": 30})
    tell_referent(case, "break_glass", {"org": "Coordination", "hours": 3})
    sign_in(client, referent)
    client.post(reverse("notification_read_all"))
    assert NotificationRead.objects.filter(user=referent.user).count() == 2
