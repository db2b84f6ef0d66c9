#!/usr/bin/env python
"""Same as the `parcours` command, for those used to manage.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from parcours.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
