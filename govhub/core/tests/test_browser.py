"""The site in a real browser: a sign-in journey in both writing directions, WCAG 2.2 AA scans.

People and organisations come from the shared fixtures of the root conftest.py (built with the
accounts and organisations factories) and from the `demo` command: core's code, tests included,
imports no domain app (the import-linter contracts in pyproject.toml).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from govhub.core.api import document_pdf
from govhub.core.tests.browser import (
    DESKTOP,
    MOBILE,
    assert_no_axe_violations,
    assert_no_reports,
    axe_report,
    horizontal_scroll_report,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # the accounts factory's password
DARI = "fa-af"
LANGUAGES = ["en", DARI]


@pytest.fixture
def demo_data(settings: Any, transactional_db: Any, document_signing: Any) -> None:
    """The demo country: 26 organisations named in English, Russian and Dari, and its people."""
    settings.GOVHUB_DEMO = True
    call_command("demo", stdout=io.StringIO())


def _organisation_of(user: Any) -> Any:
    return user.memberships.get().organisation


def _sign_in(page: Any, email: str) -> None:
    """Sign in through the real form (English labels: a fresh browser context has no cookie)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _in_language(page: Any, code: str, path: str) -> None:
    """Open `path` in a language, through the same link the header offers."""
    page.goto(f"/language/?lang={code}&next={path}")
    expected = ("rtl" if code == DARI else "ltr", code)
    assert _html_direction(page) == expected


def _html_direction(page: Any) -> tuple[str | None, str | None]:
    html = page.locator("html")
    return html.get_attribute("dir"), html.get_attribute("lang")


def _brand_centre_x(page: Any) -> float:
    box = page.locator(".site-header .brand").bounding_box()
    assert box is not None, "the GovHub brand link is not visible"
    return float(box["x"] + box["width"] / 2)


def test_sign_in_switch_to_dari_and_open_an_organisation(page: Any, business_manager: Any):
    # given a person who manages a business
    organisation = _organisation_of(business_manager)

    # when they sign in through the form
    _sign_in(page, business_manager.email)

    # then they are signed in, on a left-to-right page with the brand on the left
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="My account").is_visible()
    assert page.locator("h1").inner_text() == "My organisation's work"
    assert _html_direction(page) == ("ltr", "en")
    assert _brand_centre_x(page) < DESKTOP["width"] / 2

    # when they choose Dari in the header
    page.locator(".lang-nav a[hreflang='fa-af']").click()
    page.wait_for_load_state()

    # then the same page comes back right to left, and the layout mirrors
    assert page.url.endswith("/programmes/mine/")
    assert _html_direction(page) == ("rtl", DARI)
    assert page.locator(".lang-nav a[aria-current='true']").get_attribute("hreflang") == DARI
    assert _brand_centre_x(page) > DESKTOP["width"] / 2
    assert page.locator("main h1").evaluate("h => getComputedStyle(h).direction") == "rtl"

    # when they open their organisation from the directory
    page.locator(".main-nav a[href='/organisations/']").click()
    page.wait_for_load_state()
    page.locator("main table").get_by_role("link", name=organisation.name).click()
    page.wait_for_load_state()

    # then its page shows its name, still in Dari and still signed in
    assert page.url.endswith(f"/organisations/{organisation.pk}/")
    assert page.locator("main h1").inner_text() == organisation.name
    assert _html_direction(page) == ("rtl", DARI)
    assert page.locator(".main-nav a[href='/account/']").is_visible()


def _ministry_path() -> str:
    from django.apps import apps

    organisation = apps.get_model("organisations", "Organisation")
    return f"/organisations/{organisation.objects.get(name='Ministry of Digital Development').pk}/"


def _document_path() -> str:
    from django.apps import apps

    document = apps.get_model("core", "IssuedDocument").objects.get(number__startswith="PRG-")
    return f"/documents/{document.public_id}/"


PUBLIC_PAGES = (
    lambda: "/",
    lambda: "/accounts/login/",
    lambda: "/accounts/signup/",
    lambda: "/organisations/",
    _ministry_path,
    lambda: "/documents/",
    _document_path,
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_accessibility_violations(page: Any, demo_data: None, language: str):
    # Home, sign-in, sign-up, the directory (26 organisations), an organisation's page, the
    # register of issued documents and the demo's decree.
    reports = []
    for path in PUBLIC_PAGES:
        _in_language(page, language, path())
        reports.append(axe_report(page))
    assert_no_reports(reports)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_of_a_signed_in_manager_have_no_accessibility_violations(
    page: Any, demo_data: None, business_manager: Any, language: str
):
    organisation = _organisation_of(business_manager)
    _sign_in(page, business_manager.email)
    reports = []
    for path in (
        "/account/",
        f"/organisations/{organisation.pk}/",
        f"/organisations/{organisation.pk}/manage/",
        f"/organisations/{organisation.pk}/audit/",
    ):
        _in_language(page, language, path)
        reports.append(axe_report(page))
    assert_no_reports(reports)


def test_failed_sign_in_has_no_accessibility_violations(page: Any, user: Any):
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_fit_a_phone_screen_without_sideways_scrolling(
    page: Any, demo_data: None, language: str
):
    page.set_viewport_size(MOBILE)
    reports = []
    for path in ("/", "/accounts/login/", "/organisations/", _ministry_path()):
        _in_language(page, language, path)
        reports.append(horizontal_scroll_report(page))
    assert_no_reports(reports)


@pytest.fixture
def issued_document(transactional_db: Any, document_signing: Any) -> Any:
    from govhub.core.api import document_issue

    return document_issue(
        actor=None,
        title="Programme approval",
        number_prefix="GH",
        legal_status="Decision of the steering committee",
        text="The steering committee approved the programme.",
        issuer_label="Ministry of Digital Development",
        issuer_organisation_id=None,
        subject_type="programmes.programme",
        subject_id="1",
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_copy_of_a_document_is_checked_through_the_page_without_script(
    page: Any, issued_document: Any, language: str, tmp_path: Any
):
    # given a visitor with the PDF they received, on the page its QR code leads to
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(document_pdf(issued_document))
    _in_language(page, language, f"/documents/{issued_document.public_id}/")
    reports = [axe_report(page)]

    # when they upload it through the form
    page.locator("main input[type=file]").set_input_files(str(copy))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # then the page says it is authentic, and stays accessible on a desk and on a phone
    assert page.locator("main .message-success").is_visible()
    reports.append(axe_report(page))
    page.set_viewport_size(MOBILE)
    reports.append(horizontal_scroll_report(page))
    assert_no_reports(reports)
