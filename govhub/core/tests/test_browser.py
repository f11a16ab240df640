"""The site in a real browser: a sign-in journey in two directions, and WCAG 2.2 AA scans.

The people and organisations come from the shared fixtures of the root conftest.py (which use
the accounts and organisations factories) and from the demo data command: core's tests import
no domain app (see the import-linter contracts in pyproject.toml).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from govhub.core.tests.browser import (
    DESKTOP,
    MOBILE,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # the accounts factory's password
DARI = "fa-af"


@pytest.fixture
def demo_data(settings: Any, transactional_db: Any) -> None:
    """The demo country's organisations (names in English, Russian and Dari) and people."""
    settings.GOVHUB_DEMO = True
    call_command("demo", stdout=_Discard())


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


def _switch_language(page: Any, code: str) -> None:
    """Follow the header's language link, as a person would."""
    page.locator(f".lang-nav a[hreflang='{code}']").click()
    page.wait_for_load_state()


def _html_direction(page: Any) -> tuple[str | None, str | None]:
    html = page.locator("html")
    return html.get_attribute("dir"), html.get_attribute("lang")


def _brand_centre_x(page: Any) -> float:
    box = page.locator(".site-header .brand").bounding_box()
    assert box is not None, "the GovHub brand link is not visible"
    return float(box["x"] + box["width"] / 2)


def test_sign_in_switch_to_dari_and_open_an_organisation(page: Any, business_manager: Any):
    organisation = business_manager.memberships.get().organisation
    # Sign in through the real form.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(business_manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="My account").is_visible()
    assert page.locator("h1").inner_text() == "My account"
    # Left to right in English: the brand sits on the left.
    assert _html_direction(page) == ("ltr", "en")
    assert _brand_centre_x(page) < DESKTOP["width"] / 2

    _switch_language(page, DARI)

    # Right to left in Dari, on the same page: the layout mirrors.
    assert page.url.endswith("/account/")
    assert _html_direction(page) == ("rtl", DARI)
    assert _brand_centre_x(page) > DESKTOP["width"] / 2
    assert page.locator(".lang-nav a[aria-current='true']").get_attribute("hreflang") == DARI
    # Still signed in; open the organisation from the directory.
    page.locator(".main-nav a[href='/organisations/']").click()
    page.wait_for_load_state()
    page.locator("main table").get_by_role("link", name=organisation.name).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == organisation.name
    assert page.url.endswith(f"/organisations/{organisation.pk}/")
    assert _html_direction(page) == ("rtl", DARI)


def _organisation_id(name: str) -> int:
    from django.apps import apps

    return int(apps.get_model("organisations", "Organisation").objects.get(name=name).pk)


PAGES = {
    "home": lambda: "/",
    "sign-in": lambda: "/accounts/login/",
    "directory": lambda: "/organisations/",
    "organisation": lambda: (
        f"/organisations/{_organisation_id('Ministry of Digital Development')}/"
    ),
}


@pytest.mark.parametrize("language", ["en", DARI])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_accessibility_violations(page: Any, demo_data: None, name: str, language: str):
    path = PAGES[name]()
    page.goto(f"/language/?lang={language}&next={path}")
    assert _html_direction(page) == ("rtl" if language == DARI else "ltr", language)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["en", DARI])
def test_signed_in_organisation_page_has_no_accessibility_violations(
    page: Any, demo_data: None, business_manager: Any, language: str
):
    organisation = business_manager.memberships.get().organisation
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(business_manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"/language/?lang={language}&next=/organisations/{organisation.pk}/")
    assert page.get_by_role("link", name="Manage this organisation").is_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["en", DARI])
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/organisations/"])
def test_mobile_page_does_not_scroll_sideways(page: Any, demo_data: None, path: str, language: str):
    page.set_viewport_size(MOBILE)
    page.goto(f"/language/?lang={language}&next={path}")
    assert_no_horizontal_scroll(page)
