"""Production settings fail fast; keys must be present, well-formed, and the right ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from parcours.core import keyconfig
from parcours.core.crypto import KeyRing, keyring
from parcours.core.keycheck import check_keys_against_database
from parcours.core.models import KeyCanary

SRC = str(Path(__file__).resolve().parents[2] / "src")
GOOD = {
    "PARCOURS_MODE": "production",
    "PARCOURS_SECRET_KEY": "s" * 64,
    "PARCOURS_ALLOWED_HOSTS": "parcours.example.test",
    "PARCOURS_BASE_URL": "https://parcours.example.test",
    "PARCOURS_EMAIL_FROM": "Parcours <parcours@parcours.example.test>",
    "PARCOURS_FIELD_KEYS": "k1:" + keyconfig.new_key_text(),
    "PARCOURS_BLIND_INDEX_KEY": keyconfig.new_key_text(),
}


def start(env_changes, drop=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DJANGO_"))}
    env.update(GOOD)
    env.update(env_changes)
    for name in drop:
        env.pop(name, None)
    env["PYTHONPATH"] = SRC
    return subprocess.run(
        [sys.executable, "-m", "parcours.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_everything_set():
    result = start({})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "changes,drop,message",
    [
        ({}, ["PARCOURS_SECRET_KEY"], "Set PARCOURS_SECRET_KEY"),
        ({"PARCOURS_SECRET_KEY": "short"}, [], "too short"),
        ({"PARCOURS_DEBUG": "1"}, [], "PARCOURS_DEBUG must be off"),
        ({"PARCOURS_DEBUG": "maybe"}, [], "PARCOURS_DEBUG must be one of"),
        ({"PARCOURS_DEMO": "1"}, [], "Demo mode cannot run with production settings"),
        ({}, ["PARCOURS_FIELD_KEYS"], "Set PARCOURS_FIELD_KEYS"),
        ({}, ["PARCOURS_BLIND_INDEX_KEY"], "Set PARCOURS_BLIND_INDEX_KEY"),
        ({"PARCOURS_FIELD_KEYS": "k1:bm90LWEta2V5"}, [], "must be 32 random bytes"),
        ({"PARCOURS_FIELD_KEYS": "k1:???"}, [], "not valid base64"),
        ({"PARCOURS_MODE": "staging"}, [], "PARCOURS_MODE must be one of"),
        ({}, ["PARCOURS_ALLOWED_HOSTS"], "Set PARCOURS_ALLOWED_HOSTS"),
        ({}, ["PARCOURS_BASE_URL"], "PARCOURS_BASE_URL must be the site's https address"),
        ({"PARCOURS_BASE_URL": "http://x.test"}, [], "PARCOURS_BASE_URL must be the site's"),
        ({}, ["PARCOURS_EMAIL_FROM"], "PARCOURS_EMAIL_FROM must name the service's sender"),
    ],
)
def test_production_refuses_to_start(changes, drop, message):
    result = start(changes, drop)
    assert result.returncode != 0
    assert message in result.stderr


def test_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("f" * 64)
    result = start({"PARCOURS_SECRET_KEY_FILE": str(secret_file)}, drop=["PARCOURS_SECRET_KEY"])
    assert result.returncode == 0, result.stderr


def test_demo_keys_are_created_owner_only(tmp_path):
    material = keyconfig.load_key_material("demo", tmp_path)
    assert len(material.field_keys[0][1]) == 32
    for name in ("field_keys", "blind_index_key"):
        assert (tmp_path / "keys" / name).stat().st_mode & 0o777 == 0o600
    assert keyconfig.load_key_material("demo", tmp_path) == material  # reused, not regenerated


def test_demo_refuses_key_files_readable_by_others(tmp_path):
    keyconfig.load_key_material("demo", tmp_path)
    (tmp_path / "keys" / "field_keys").chmod(0o644)
    with pytest.raises(ImproperlyConfigured, match="owner only"):
        keyconfig.load_key_material("demo", tmp_path)


@pytest.fixture
def swap_ring(monkeypatch):
    def swap(text):
        material = keyconfig.KeyMaterial(
            field_keys=keyconfig.parse_field_keys(text),
            blind_index_key=b"b" * 32,
        )
        monkeypatch.setattr("parcours.core.crypto.keyring", lambda: KeyRing(material))
        monkeypatch.setattr("parcours.core.keycheck.keyring", lambda: KeyRing(material))

    return swap


@pytest.mark.django_db
def test_wrong_key_stops_the_start(swap_ring):
    check_keys_against_database()  # records the canary of the test key
    assert KeyCanary.objects.filter(key_id=keyring().current_id).exists()
    swap_ring(f"{keyring().current_id}:" + keyconfig.new_key_text())
    with pytest.raises(ImproperlyConfigured, match="not the key this database was written with"):
        check_keys_against_database()


@pytest.mark.django_db
def test_dropped_key_stops_the_start(swap_ring):
    check_keys_against_database()
    swap_ring("other:" + keyconfig.new_key_text())
    with pytest.raises(ImproperlyConfigured, match="lacks key"):
        check_keys_against_database()
