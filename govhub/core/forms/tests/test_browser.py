"""A rendered form page in Chromium: no accessibility violations, empty and with errors,
in English and in Dari (right to left); "Add another" works without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from govhub.core.tests.browser import assert_no_reports, axe_report

pytestmark = pytest.mark.browser


@pytest.fixture
def sample_site(settings: Any, organisations: None) -> None:
    settings.ROOT_URLCONF = "govhub.core.forms.tests.urls"


@pytest.mark.parametrize("language", ["en", "fa-af"])
def test_a_form_page_has_no_accessibility_violations(page: Any, sample_site: None, language: str):
    # given the form in the language
    page.goto(f"/language/?lang={language}&next=/sample-form/")
    direction = page.locator("html").get_attribute("dir")
    reports = [axe_report(page)]
    # when submitted empty, and after "Add another"
    page.locator("form button[type=submit]:not([name])").click()
    page.locator(".error-summary").wait_for()
    errors = page.locator(".error-summary a").count()
    reports.append(axe_report(page))
    page.locator("button[name=add_row]").click()
    page.locator("#f-indicators-1-name").wait_for()
    rows = page.locator("input[name=indicators-rows]").input_value()
    reports.append(axe_report(page))
    # then
    assert direction == ("rtl" if language == "fa-af" else "ltr")
    assert errors >= 5
    assert rows == "2"
    assert_no_reports(reports)
