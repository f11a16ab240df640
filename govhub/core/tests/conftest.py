"""Fixtures for the core tests: the browser fixtures live in `browser.py`."""

from collections.abc import Iterator
from typing import Any

import pytest

from govhub.core.testing import document_signing, signing_dir
from govhub.core.tests.browser import browser, browser_context, live_url, page

__all__ = ["browser", "browser_context", "document_signing", "live_url", "page", "signing_dir"]


@pytest.fixture(autouse=True)
def _forget_security_counters(request: Any, django_db_blocker: Any) -> Iterator[None]:
    # The database cache table is no model, so a transactional test's flush leaves its rows:
    # empty it, so that sign-in counters never pass from one test to the next.
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from govhub.core.security_cache import security_cache

        with django_db_blocker.unblock():
            security_cache().clear()
