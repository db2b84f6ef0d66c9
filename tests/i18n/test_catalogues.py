"""French first: every message has its French translation, and the compiled catalogue is current."""

import ast
import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "src" / "parcours" / "locale"


def _entries(po_text: str):
    """(msgid, msgstr, flags) of each entry of a .po file (enough of the format for our files)."""
    for block in po_text.split("\n\n"):
        if "\n#~" in "\n" + block:
            continue
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if not msgid or not msgstr:
            continue

        def text(group):
            return "".join(ast.literal_eval(line) for line in group.split("\n") if line.strip())

        yield text(msgid.group(1)), text(msgstr.group(1)), flags


def test_plural_messages_are_translated_too():
    text = (LOCALE / "fr/LC_MESSAGES/django.po").read_text()
    empty = re.findall(
        r'^msgid_plural "(.*)"\n(?:msgstr\[\d\] ".*"\n)*?msgstr\[\d\] ""$', text, re.M
    )
    assert not empty, f"untranslated plural forms: {empty}"


def test_every_french_message_is_translated():
    entries = [e for e in _entries((LOCALE / "fr/LC_MESSAGES/django.po").read_text()) if e[0]]
    assert len(entries) > 100
    missing = [msgid for msgid, msgstr, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy (check and unflag): {fuzzy}"


def test_compiled_catalogue_matches_the_po_file():
    entries = {
        msgid: msgstr
        for msgid, msgstr, _ in _entries((LOCALE / "fr/LC_MESSAGES/django.po").read_text())
        if msgid
    }
    with (LOCALE / "fr/LC_MESSAGES/django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in entries.items() if compiled.gettext(msgid) != msgstr]
    assert not stale, f"run `parcours compilemessages`; out of date: {stale[:5]}"


def test_every_message_of_the_source_is_in_the_catalogue(tmp_path):
    """Extract the messages again (makemessages on a copy of the source) and compare: a string
    wrapped in gettext but never added to the catalogue would show in English."""
    import os
    import shutil
    import subprocess
    import sys

    source = LOCALE.parent
    copy = tmp_path / "parcours"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DJANGO_"))}
    env.update({"PARCOURS_MODE": "test", "PYTHONPATH": str(source.parent)})
    result = subprocess.run(
        [sys.executable, "-m", "parcours.cli", "makemessages", "-l", "fr", "--no-location",
         "--ignore", "*/migrations/*"],
        cwd=copy, env=env, check=False, capture_output=True, timeout=120, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    extracted = {e[0] for e in _entries((copy / "locale/fr/LC_MESSAGES/django.po").read_text())}
    committed = {e[0] for e in _entries((LOCALE / "fr/LC_MESSAGES/django.po").read_text())}
    assert extracted - committed == set(), "run makemessages and translate the new messages"
