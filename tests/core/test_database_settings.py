"""The database settings a national deployment relies on (docs/operations.md, "Running Parcours
for a country")."""

from django.conf import settings


def test_every_request_is_one_transaction_and_kept_connections_are_checked_first():
    database = settings.DATABASES["default"]
    assert database["ATOMIC_REQUESTS"] is True
    # After a failover, a kept connection to the old primary is found unusable before the
    # request runs on it, not by the request failing.
    assert database["CONN_HEALTH_CHECKS"] is True
