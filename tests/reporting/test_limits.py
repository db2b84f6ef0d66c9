"""The public page's rate limit: a share of reports per address and window, counted under a
keyed hash of the address (never the address), forgotten once the window is over; one address's
flood leaves every other address alone."""

import datetime

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from parcours.alerts import worker
from parcours.reporting import limits, submit
from parcours.reporting.models import Report, SubmissionWindow
from tests.reporting import SEEN, commune

pytestmark = pytest.mark.django_db

FLOOD = "203.0.113.5"
OTHER = "198.51.100.9"


def _send(address):
    return submit.receive(address=address, commune=commune(), seen=SEEN)


@override_settings(REPORT_RATE_LIMIT=3)
def test_a_flood_from_one_address_is_refused_and_others_pass(clock):
    for _ in range(3):
        _send(FLOOD)
    with pytest.raises(submit.TooManyReports):
        _send(FLOOD)
    assert Report.objects.count() == 3  # the refused one was not saved
    assert limits.exhausted(FLOOD) and not limits.exhausted(OTHER)
    _send(OTHER)
    assert Report.objects.count() == 4


@override_settings(REPORT_RATE_LIMIT=2, REPORT_RATE_WINDOW_MINUTES=60)
def test_the_share_comes_back_with_the_next_window_and_old_rows_go(clock):
    _send(FLOOD)
    _send(FLOOD)
    with pytest.raises(submit.TooManyReports):
        _send(FLOOD)
    clock.shift(datetime.timedelta(hours=1))
    _send(FLOOD)  # a new window; the submission purged the windows that are over
    assert SubmissionWindow.objects.count() == 1
    assert SubmissionWindow.objects.get().window_start == limits.window_start(timezone.now())


def test_the_address_is_never_stored(clock):
    _send(FLOOD)
    row = SubmissionWindow.objects.get()
    assert FLOOD not in row.address and len(row.address) == 64
    # not linkable from one window to the next
    assert limits._key(FLOOD, row.window_start) != limits._key(
        FLOOD, row.window_start + limits.window()
    )


def test_checking_an_address_is_one_query(django_assert_num_queries):
    _send(FLOOD)
    with django_assert_num_queries(1):
        limits.exhausted(FLOOD)
    with django_assert_num_queries(1):
        limits.exhausted(OTHER)


def test_the_worker_purges_the_windows_that_are_over(clock):
    _send(FLOOD)
    clock.shift(limits.window())
    assert worker.run_round()["report rate-limit windows purged"] == 1
    assert not SubmissionWindow.objects.exists()


def test_the_address_is_the_socket_s_without_trusted_proxies():
    request = RequestFactory().post(
        "/signalement/", REMOTE_ADDR=OTHER, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert limits.client_address(request) == OTHER  # a forged header changes nothing


def test_an_ipv6_address_counts_for_its_64():
    one = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:2::10")
    two = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    assert limits.client_address(one) == limits.client_address(two) == "2001:db8:1:2::/64"
