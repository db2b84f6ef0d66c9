"""Settings for the test suite: the real settings in test mode."""

import os

os.environ["PARCOURS_MODE"] = "test"

from parcours.settings import *  # noqa: E402, F403
from parcours.settings import TEMPLATES  # noqa: E402

# An unknown variable shows as "INVALID[name]" (test mode says so already; said again here
# because the guard in tests/conftest.py, which fails any test rendering one, relies on it).
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID[%s]"
