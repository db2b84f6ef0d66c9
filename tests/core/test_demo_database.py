"""End-to-end checks on a real demo database file, built by the `parcours` command itself."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from parcours.core.keyconfig import new_key_text

SRC = str(Path(__file__).resolve().parents[2] / "src")


def run(args, data_dir, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # always the SQLite file of the demo
    env.update({"PARCOURS_MODE": "demo", "PARCOURS_DATA_DIR": str(data_dir), "PYTHONPATH": SRC})
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "parcours.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    result = run(["demo", "--no-serve"], data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def test_names_are_not_in_plaintext_in_the_database_file(demo_dir):
    raw = (demo_dir / "parcours.sqlite3").read_bytes()
    for secret in [
        "Keita",
        "Adam",
        "Benhaddou",
        "Salma",
        "Okafor",
        "Adama",
        "0600000101",
        "06 00 00 01 01",
        "chef du réseau",
        "Audition possible",
        "Lazarev",  # S6
        "Contrat jeune majeur : 18 ans",  # a referral's purpose
        "Enquête et audition",  # a consent's purpose
        "Ne veut plus que la police",  # a contact note
        "Domicilier Adam",  # a conference's decision (and its task's title)
        "Sortir du blocage",  # a conference's agenda point
        "rue imaginaire",  # a facility's address (location group)
        "Dort chez le chef du réseau (fictif)",  # a risk assessment's note
    ]:
        assert secret.encode() not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret
    # ... while what may be in clear is there: the test would catch an empty file.
    assert "Association Horizon Solidarité".encode() in raw


def test_demo_twice_neither_fails_nor_duplicates(demo_dir):
    def counts():
        with sqlite3.connect(demo_dir / "parcours.sqlite3") as db:
            return [
                db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in (
                    "cases_case",
                    "people_person",
                    "accounts_user",
                    "accounts_organisation",
                    "cases_contact",
                )
            ]

    before = counts()
    result = run(["demo", "--no-serve"], demo_dir)
    assert result.returncode == 0, result.stderr
    assert counts() == before
    assert "camille.asso33" in result.stdout


def test_demo_database_journal_verifies(demo_dir):
    """The demo seals what it journaled and exports the roots: verify checks them against the
    roots file; a second run reads only what was sealed since (nothing)."""
    result = run(["audit", "verify"], demo_dir)
    assert result.returncode == 0, result.stderr
    found = re.search(r"journal intact: (\d+) batches, (\d+) entries", result.stdout)
    assert found and int(found[1]) >= 1 and int(found[2]) > 0, result.stdout
    assert "(0 not sealed yet)" in result.stdout
    roots = (demo_dir / "journal-roots.jsonl").read_text().splitlines()
    assert len(roots) == int(found[1])
    again = run(["audit", "verify"], demo_dir)
    assert again.returncode == 0 and "0 entries sealed after batch" in again.stdout, again.stdout


def test_server_refuses_to_start_with_a_wrong_key(demo_dir):
    wrong = {"PARCOURS_FIELD_KEYS": "demo1:" + new_key_text()}
    result = run(["serve", "--bind", "127.0.0.1:0"], demo_dir, **wrong)
    assert result.returncode != 0
    assert "not the key this database was written with" in result.stderr


def test_demo_refuses_production_mode(tmp_path):
    result = run(
        ["demo", "--no-serve"],
        tmp_path,
        PARCOURS_MODE="production",
        PARCOURS_SECRET_KEY="s" * 64,
        PARCOURS_ALLOWED_HOSTS="x.test",
        PARCOURS_BASE_URL="https://x.test",
        PARCOURS_EMAIL_FROM="Parcours <parcours@x.test>",
        PARCOURS_FIELD_KEYS="k1:" + new_key_text(),
        PARCOURS_BLIND_INDEX_KEY=new_key_text(),
    )
    assert result.returncode != 0
    assert "PARCOURS_MODE=demo" in result.stderr


def test_demo_plays_s1_s2_and_s6_through_referrals(demo_dir):
    """S1: child welfare, the 115 four times and the health fund refuse, and a conference is
    held whose two decisions are tasks; S2: the prefecture acknowledges; S6: the consent to the
    police is withdrawn."""
    with sqlite3.connect(demo_dir / "parcours.sqlite3") as db:
        refusals = db.execute(
            "SELECT refusal_code, count(*) FROM referrals_referral WHERE status = 'refused' "
            "GROUP BY refusal_code ORDER BY refusal_code"
        ).fetchall()
        withdrawn = db.execute(
            "SELECT count(*) FROM referrals_consent WHERE withdrawn_at IS NOT NULL"
        ).fetchone()
        acknowledged = db.execute(
            "SELECT count(*) FROM referrals_referral WHERE status = 'acknowledged'"
        ).fetchone()
        conference = db.execute(
            "SELECT c.status, count(d.id), count(d.task_id) FROM conferences_conference c "
            "JOIN conferences_decision d ON d.conference_id = c.id GROUP BY c.id"
        ).fetchall()
    assert refusals == [("criteria_not_met", 1), ("no_place", 4), ("not_in_insertion_pathway", 1)]
    assert withdrawn == (1,) and acknowledged == (1,)
    assert conference == [("held", 2, 2)]


def test_demo_has_a_national_network_and_s4_waiting(demo_dir):
    """At least 60 facilities in at least 30 départements; twelve S4 requests and S2's."""
    with sqlite3.connect(demo_dir / "parcours.sqlite3") as db:
        facilities, places = db.execute(
            "SELECT count(*), count(DISTINCT departement) FROM shelter_facility"
        ).fetchone()
        s4 = db.execute(
            "SELECT count(*) FROM shelter_placementrequest WHERE operation = 'Ferme 47 (démo)'"
        ).fetchone()
    assert facilities >= 60 and places >= 30
    assert s4 == (12,)
