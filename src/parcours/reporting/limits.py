"""The public page's rate limit: at most ``REPORT_RATE_LIMIT`` reports per address and window
of ``REPORT_RATE_WINDOW_MINUTES`` (settings; 5 an hour by default), without any third-party
service and without keeping the address.

Windows are fixed (they start at multiples of their length). An address is counted under a
keyed hash (HMAC, the blind-index key kept outside the database) of the address *and* the
window, so the rows of two windows cannot be linked; an IPv6 address counts for its /64, which
one subscriber usually holds whole. Rows of a window that is over are deleted on each submission
(``purge``) and by the worker. Checking an address is one query on the unique index of
(address, window): a flood from one address slows nobody else down.
"""

import datetime
import ipaddress

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from parcours.core.crypto import keyring
from parcours.reporting.models import SubmissionWindow

PURPOSE = "reporting.rate-limit"
UNKNOWN = "unknown"  # no address known (a misconfigured proxy): all such requests share one


def limit() -> int:
    return int(getattr(settings, "REPORT_RATE_LIMIT", 5))


def window() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "REPORT_RATE_WINDOW_MINUTES", 60)))


def client_address(request) -> str:
    """The sender's address as the sign-in's rate limits see it (django-allauth: the
    ``PARCOURS_PROXY_COUNT``-th address of X-Forwarded-For behind proxies, else the socket's),
    an IPv6 address reduced to its /64."""
    from allauth.account.adapter import get_adapter

    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return UNKNOWN
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return UNKNOWN
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def window_start(now: datetime.datetime) -> datetime.datetime:
    length = int(window().total_seconds())
    epoch = int(now.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % length, tz=datetime.UTC)


def _key(address: str, start: datetime.datetime) -> str:
    return keyring().mac(f"{start.isoformat()}|{address}", PURPOSE)


def exhausted(address: str, now: datetime.datetime | None = None) -> bool:
    """Whether ``address`` has no report left in the current window (one indexed query)."""
    start = window_start(now or timezone.now())
    count = (
        SubmissionWindow.objects.filter(address=_key(address, start), window_start=start)
        .values_list("count", flat=True)
        .first()
    )
    return count is not None and count >= limit()


def take(address: str, now: datetime.datetime | None = None) -> bool:
    """Count one report for ``address`` if it has one left in the current window; False (and
    nothing changed) when it has none. Safe when two requests of one address race."""
    start = window_start(now or timezone.now())
    key = _key(address, start)
    rows = SubmissionWindow.objects.filter(address=key, window_start=start)
    for _attempt in range(2):
        if rows.filter(count__lt=limit()).update(count=F("count") + 1):
            return True
        if rows.exists():
            return False
        try:
            with transaction.atomic():  # a savepoint: losing the race leaves the caller intact
                SubmissionWindow.objects.create(address=key, window_start=start, count=1)
            return True
        except IntegrityError:
            continue  # another request of the same address created it: count on it
    return False


def purge(now: datetime.datetime | None = None) -> int:
    """Delete the rows of the windows that are over; how many went (a worker step too)."""
    start = window_start(now or timezone.now())
    deleted, _by_model = SubmissionWindow.objects.filter(window_start__lt=start).delete()
    return deleted
