"""Repository rules that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_requirements_are_pinned_with_hashes_and_record_no_download_address():
    for name in ("base.txt", "dev.txt"):
        text = (ROOT / "requirements" / name).read_text()
        packages = re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==[^\s\\]+", text, re.M)
        assert len(packages) > 10, name
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
        for block in blocks:
            if re.match(r"^[A-Za-z0-9_.\-\[\]]+==", block):
                assert "--hash=sha256:" in block, block.splitlines()[0]
        assert not re.search(r"https?://", text), f"{name} records a download address"
    assert not (ROOT / "uv.lock").exists()


def test_the_makefile_installs_with_require_hashes():
    assert "--require-hashes" in (ROOT / "Makefile").read_text()
