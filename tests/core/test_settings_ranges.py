"""Whole-number settings are read through one helper, ``envconfig.integer``, which stops start-up
on a value out of its range, naming the variable, the range and the value."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from parcours.core import envconfig

SRC = str(Path(__file__).resolve().parents[2] / "src")
NAME = "PARCOURS_TEST_RANGE"


@pytest.fixture
def env(monkeypatch):
    def set_value(value):
        monkeypatch.setenv(NAME, value)

    monkeypatch.delenv(NAME, raising=False)
    return set_value


def test_a_value_in_range_is_read(env):
    env(" 12 ")
    assert envconfig.integer(NAME, 3, minimum=1, maximum=24) == 12
    env("1")
    assert envconfig.integer(NAME, 3, minimum=1, maximum=24) == 1
    env("24")
    assert envconfig.integer(NAME, 3, minimum=1, maximum=24) == 24


def test_unset_or_empty_gives_the_default(env):
    assert envconfig.integer(NAME, 3, minimum=1, maximum=24) == 3
    env("")
    assert envconfig.integer(NAME, 3, minimum=1, maximum=24) == 3


def test_no_bounds_reads_any_whole_number(env):
    env("-40")
    assert envconfig.integer(NAME, 0) == -40


@pytest.mark.parametrize(
    "value,bounds,allowed",
    [
        ("0", {"minimum": 1, "maximum": 24}, "between 1 and 24"),
        ("25", {"minimum": 1, "maximum": 24}, "between 1 and 24"),
        ("-1", {"minimum": 0}, "at least 0"),
        ("11", {"maximum": 10}, "at most 10"),
    ],
)
def test_a_value_out_of_range_stops_with_the_variable_the_range_and_the_value(
    env, value, bounds, allowed
):
    env(value)
    with pytest.raises(ImproperlyConfigured) as error:
        envconfig.integer(NAME, 3, **bounds)
    assert str(error.value) == f"PARCOURS_TEST_RANGE must be {allowed} (got {value!r})."


def test_a_maximum_set_by_another_variable_names_it(env):
    env("40000")
    with pytest.raises(ImproperlyConfigured) as error:
        envconfig.integer(
            NAME, 3, minimum=1, maximum=36000, maximum_from="PARCOURS_SESSION_MAX_SECONDS"
        )
    assert str(error.value) == (
        "PARCOURS_TEST_RANGE must be between 1 and 36000 (got '40000'); the maximum follows "
        "PARCOURS_SESSION_MAX_SECONDS."
    )


def test_a_default_out_of_range_is_refused_too(env):
    """A default pushed out of range by another variable (an idle timeout above a shorter session
    lifetime) says so."""
    with pytest.raises(ImproperlyConfigured, match=r"between 1 and 600 \(got 1800, the default\)"):
        envconfig.integer(NAME, 1800, minimum=1, maximum=600)


def test_not_a_whole_number_is_still_refused(env):
    env("2.5")
    with pytest.raises(ImproperlyConfigured, match="PARCOURS_TEST_RANGE must be a whole number"):
        envconfig.integer(NAME, 3, minimum=1)


def _import_settings(changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DJANGO_"))}
    env.update({"PARCOURS_MODE": "test", "PYTHONPATH": SRC, **changes})
    return subprocess.run(
        [sys.executable, "-c", "import parcours.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "name,value,allowed",
    [
        ("PARCOURS_SESSION_IDLE_SECONDS", "0", "between 1 and 36000"),
        ("PARCOURS_SESSION_MAX_SECONDS", "0", "at least 1"),
        ("PARCOURS_CONTACT_LOST_DAYS", "0", "at least 1"),
        ("PARCOURS_SAFE_DISTANCE_KM", "1001", "between 0 and 1000"),
        ("PARCOURS_SAFE_DISTANCE_KM", "-1", "between 0 and 1000"),
        ("PARCOURS_AVAILABILITY_STALE_HOURS", "0", "at least 1"),
        ("PARCOURS_BREAK_GLASS_HOURS", "25", "between 1 and 24"),
        ("PARCOURS_BREAK_GLASS_HOURS", "0", "between 1 and 24"),
        ("PARCOURS_RETENTION_ARCHIVE_DAYS", "0", "between 1 and 1824"),
        ("PARCOURS_RETENTION_ANONYMISE_DAYS", "1", "at least 2"),
        ("PARCOURS_PROXY_COUNT", "-1", "at least 0"),
        ("PARCOURS_DB_CONN_MAX_AGE", "-1", "at least 0"),
        ("PARCOURS_SIGNIN_FAILURE_LIMIT", "0", "at least 1"),
        ("PARCOURS_SIGNIN_COOLOFF_MINUTES", "0", "at least 1"),
        ("PARCOURS_EMAIL_PORT", "70000", "between 1 and 65535"),
    ],
)
def test_settings_stop_on_a_value_out_of_range(name, value, allowed):
    result = _import_settings({name: value})
    assert result.returncode != 0
    assert f"{name} must be {allowed} (got {value!r})" in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize(
    "changes,message",
    [
        (
            {"PARCOURS_SESSION_MAX_SECONDS": "600"},
            "PARCOURS_SESSION_IDLE_SECONDS must be between 1 and 600 (got 1800, the default); "
            "the maximum follows PARCOURS_SESSION_MAX_SECONDS.",
        ),
        (
            {"PARCOURS_RETENTION_ARCHIVE_DAYS": "1825"},
            "PARCOURS_RETENTION_ARCHIVE_DAYS must be between 1 and 1824 (got '1825'); the maximum "
            "follows PARCOURS_RETENTION_ANONYMISE_DAYS.",
        ),
    ],
)
def test_settings_bounded_by_another_variable_name_it(changes, message):
    result = _import_settings(changes)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr[-2000:]


def test_settings_start_with_values_at_the_edges_of_their_ranges():
    result = _import_settings(
        {
            "PARCOURS_SESSION_IDLE_SECONDS": "600",
            "PARCOURS_SESSION_MAX_SECONDS": "600",
            "PARCOURS_SAFE_DISTANCE_KM": "0",
            "PARCOURS_BREAK_GLASS_HOURS": "24",
            "PARCOURS_RETENTION_ARCHIVE_DAYS": "364",
            "PARCOURS_RETENTION_ANONYMISE_DAYS": "365",
        }
    )
    assert result.returncode == 0, result.stderr[-2000:]
