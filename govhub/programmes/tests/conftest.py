"""Fixtures for the programmes tests: the browser fixtures of `govhub/core/tests/browser.py`."""

from govhub.core.tests.browser import browser, browser_context, live_url, page

__all__ = ["browser", "browser_context", "live_url", "page"]
