"""Settings for the test suite: the ordinary settings with GOVHUB_TESTING on."""

import os

os.environ.setdefault("GOVHUB_TESTING", "1")
os.environ.setdefault("GOVHUB_LOGIN_FAILED_LIMIT", "100/m/ip,5/5m/key")

from config.settings import *  # noqa: F403
