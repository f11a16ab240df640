"""Settings for the test suite: the ordinary settings with GOVHUB_TESTING on."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("GOVHUB_TESTING", "1")
os.environ.setdefault("GOVHUB_LOGIN_FAILED_LIMIT", "100/m/ip,5/5m/key")
# The test client and the live server speak plain HTTP on loopback.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Stored files (issued documents' PDFs, uploads) go to a directory of this test run only.
if "MEDIA_ROOT" not in os.environ:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="govhub-test-media-")
    atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)

from config.settings import *  # noqa: F403
from config.settings import STATIC_ROOT

os.makedirs(STATIC_ROOT, exist_ok=True)  # WhiteNoise warns about a missing root
