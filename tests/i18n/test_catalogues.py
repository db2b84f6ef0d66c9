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
