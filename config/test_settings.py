"""Settings for the test suite: the ordinary settings with GOVHUB_TESTING on."""

import os

os.environ.setdefault("GOVHUB_TESTING", "1")
os.environ.setdefault("GOVHUB_LOGIN_FAILED_LIMIT", "100/m/ip,5/5m/key")
# The test client and the live server speak plain HTTP on loopback.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: F403
from config.settings import STATIC_ROOT

os.makedirs(STATIC_ROOT, exist_ok=True)  # WhiteNoise warns about a missing root
