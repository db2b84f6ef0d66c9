"""The weight of the JavaScript (issue 14, item 7): no script a page loads, and none of ours
under ``src/parcours/static/``, is over 100 kB once gzip-compressed, so that the pages stay
quick on a slow connection (a caseworker's phone on the road, a shelter's old computer).

The scripts are those the pages name in their ``<script src>`` (the DSFR's, which the base
template includes with ``{% dsfr_js %}``, module and legacy, and htmx), found where Django's
static files finders find them, as WhiteNoise serves them."""

import gzip
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.conftest import sign_in

BUDGET_KB = 100
OURS = Path(settings.BASE_DIR) / "static"
SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)


def gzip_kb(content: bytes) -> float:
    """The size once compressed as a web server does (gzip, level 6), in kB."""
    return len(gzip.compress(content, compresslevel=6)) / 1000


def scripts_named_by(html: str) -> set[str]:
    return set(SCRIPT_SRC.findall(html))


def _file_of(src: str) -> Path:
    assert src.startswith(settings.STATIC_URL), f"a script from elsewhere than ours: {src}"
    found = finders.find(src.removeprefix(settings.STATIC_URL).split("?")[0])
    assert found, f"{src} is named by a page but no static files finder has it"
    return Path(found)


def _over_budget(files) -> list[str]:
    sizes = {path: gzip_kb(path.read_bytes()) for path in files}
    return [
        f"{path.name}: {kb:.1f} kB gzip" for path, kb in sorted(sizes.items()) if kb > BUDGET_KB
    ]


@pytest.fixture
def loaded_scripts(client, referent, case) -> dict[str, Path]:
    """The scripts of the pages signed out (sign-in, public report) and signed in (my cases,
    a case page), by their address."""
    pages = [reverse("account_login"), reverse("report_new")]
    found = set()
    for url in pages:
        found |= scripts_named_by(client.get(url).content.decode())
    sign_in(client, referent)
    for url in (reverse("my_cases"), reverse("case_detail", kwargs={"ref": case.ref})):
        response = client.get(url)
        assert response.status_code == 200, url
        found |= scripts_named_by(response.content.decode())
    return {src: _file_of(src) for src in found}


def test_every_script_the_pages_load_is_under_100_kb_gzip(loaded_scripts):
    names = {path.name for path in loaded_scripts.values()}
    # the scan found the scripts of the base template, or it would pass on nothing
    assert {"dsfr.module.min.js", "dsfr.nomodule.min.js"} <= names, names
    assert any(name.startswith("htmx") for name in names), names
    over = _over_budget(loaded_scripts.values())
    assert not over, f"over {BUDGET_KB} kB gzip: " + ", ".join(over)


def test_every_script_of_ours_is_under_100_kb_gzip():
    ours = sorted(OURS.rglob("*.js")) + sorted(OURS.rglob("*.mjs"))
    over = _over_budget(ours)
    assert not over, f"over {BUDGET_KB} kB gzip: " + ", ".join(over)


def test_the_budget_sees_a_heavy_script(tmp_path):
    heavy = tmp_path / "heavy.js"
    heavy.write_bytes(os.urandom(120_000))  # random bytes do not compress
    light = tmp_path / "light.js"
    light.write_bytes(b"console.log('x');\n" * 20_000)  # 360 kB raw, a few kB compressed
    assert _over_budget([heavy, light]) == [f"heavy.js: {gzip_kb(heavy.read_bytes()):.1f} kB gzip"]
    assert scripts_named_by('<script type="module" src="/static/a.js" nonce="x"></script>') == {
        "/static/a.js"
    }
