"""Settings for the test suite: the real settings in test mode."""

import os

os.environ["PARCOURS_MODE"] = "test"

from parcours.settings import *  # noqa: E402, F403
