"""Fixtures for the core tests: the browser fixtures live in `browser.py`."""

from govhub.core.testing import document_signing, signing_dir
from govhub.core.tests.browser import browser, browser_context, live_url, page

__all__ = ["browser", "browser_context", "document_signing", "live_url", "page", "signing_dir"]
