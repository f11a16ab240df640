"""Browser-test fixtures: Debian's Chromium, driven by Playwright, against the live server.

The fixtures are registered for core's tests by govhub/core/tests/conftest.py; another app's
tests/conftest.py registers them the same way (import them by name). Then::

    pytestmark = pytest.mark.browser

    def test_home(page):
        page.goto("/")  # relative to the live server
        assert_no_axe_violations(page)

Nothing is downloaded: Playwright launches /usr/bin/chromium (``playwright install`` is never
needed). Without Chromium or the playwright package the tests skip locally and fail in CI
(see `govhub.core.testing.require`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from govhub.core.testing import require

CHROMIUM = os.environ.get("GOVHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}
# Every wait (navigation, locator, expect) gives up after this long, so a hang fails fast.
TIMEOUT_MS = 15_000


def _chromium_available() -> bool:
    path = Path(CHROMIUM)
    return (path.is_file() and os.access(path, os.X_OK)) or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (each test gets a fresh context).

    While Playwright runs, the test thread has a running asyncio loop, so Django refuses the
    test's own (synchronous) database calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set
    here only, for as long as Chromium runs, and restored afterwards: module scope keeps the
    tests of other modules under Django's usual check.
    """
    require(importlib.util.find_spec("playwright") is not None, "Python package playwright")
    require(_chromium_available(), "Chromium (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_url(live_server: Any) -> Callable[[str], str]:
    """`live_url("/organisations/")` is that path on the live server."""

    def url(path: str) -> str:
        return f"{live_server.url}{path}"

    return url


@pytest.fixture
def browser_context(browser: Any, live_server: Any, transactional_db: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) on a desktop-sized viewport, in English.

    `bypass_csp` lets the accessibility helper inject axe-core; the site's own pages never
    need it (they have no inline scripts).
    """
    context = browser.new_context(
        base_url=live_server.url,
        viewport=DESKTOP,
        locale="en-GB",
        bypass_csp=True,
        service_workers="block",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A Playwright page in a fresh context; relative `page.goto("/")` hits the live server."""
    new_page = browser_context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    yield new_page
    assert not errors, f"JavaScript errors on the page: {errors}"


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """Each violation's rule id, impact and help, with the CSS selectors of the failing nodes."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"  <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    target: {json.dumps(node['target'])}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def axe_violations(page: Any, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the current page for the WCAG 2.2 A/AA tags; return its violations."""
    if not AXE_JS.is_file():
        require(False, f"axe-core ({AXE_JS}; run npm ci)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => await window.axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        tags or AXE_TAGS,
    )
    return list(result["violations"])


def axe_report(page: Any, tags: list[str] | None = None) -> str:
    """An empty string when axe finds nothing on the current page, else the readable list."""
    violations = axe_violations(page, tags)
    return format_violations(page.url, violations) if violations else ""


def assert_no_axe_violations(page: Any, tags: list[str] | None = None) -> None:
    """Fail with each violation's id, help and target nodes if axe finds anything."""
    assert_no_reports([axe_report(page, tags)])


def assert_no_reports(reports: list[str]) -> None:
    """Fail with every non-empty report (several pages are checked before one failure)."""
    found = "\n".join(report for report in reports if report)
    if found:
        print(found)  # noqa: T201  (pytest shows captured output with the failure)
    assert not found, found


def horizontal_scroll_report(page: Any) -> str:
    """An empty string when the page fits the viewport's width, else what sticks out."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    if width <= viewport:
        return ""
    culprits = page.evaluate(
        """(limit) => Array.from(document.querySelectorAll('body *'))
            .filter((el) => {
                const box = el.getBoundingClientRect();
                return box.right > limit + 0.5 || box.left < -0.5;
            })
            .slice(0, 10)
            .map((el) => el.tagName.toLowerCase()
                + (el.id ? '#' + el.id : '')
                + (typeof el.className === 'string' && el.className.trim()
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))""",
        viewport,
    )
    return (
        f"{page.url} scrolls sideways: scrollWidth {width} > viewport {viewport}; "
        f"elements beyond the edge: {culprits}"
    )


def assert_no_horizontal_scroll(page: Any) -> None:
    """The page fits the viewport's width: nothing forces sideways scrolling."""
    assert_no_reports([horizontal_scroll_report(page)])
