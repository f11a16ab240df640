"""An official publishes a service through the real form; the catalogue and service pages pass
the accessibility scan in English and Dari."""

from __future__ import annotations

from typing import Any

import pytest

from govhub.core.tests.browser import assert_no_reports, axe_report
from govhub.programmes.tests.browser_support import DARI, in_language, sign_in_with_totp
from govhub.services.models import Service

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _events(transactional_db: Any) -> None:
    """The shipped events again: a transactional test empties every table after it ran."""
    from govhub.services.events import events_ensure

    events_ensure()


def test_an_official_adds_and_publishes_a_service(page: Any, agency: Any, official: Any) -> None:
    # given the agency's official, signed in
    sign_in_with_totp(page, official)
    # when they fill in the service form, with a law, and publish it
    page.goto("/services/new/")
    page.locator("input[name='identifier']").fill("residence-registration")
    page.locator("input[name='name']").fill("Residence registration")
    page.locator("input[name='audiences'][value='citizens']").check()
    page.locator("input[name='event_codes'][value='moving-house']").check()
    page.locator("select[name='output_type']").select_option("decision")
    page.locator("input[name='processing_days']").fill("3")
    page.locator("input[name='laws-0-title']").fill("Residence Act")
    page.locator("input[name='evidence-0-name']").fill("Rental contract")
    report = axe_report(page)
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()
    page.locator("main form[action$='/publish/'] button").click()
    page.wait_for_load_state()
    # then the service is published with its law, and the form passed the scan
    service = Service.objects.get(identifier="residence-registration")
    assert (service.status, service.legal_basis[0]["title"]) == ("published", "Residence Act")
    assert page.url.endswith("/services/residence-registration/")
    assert_no_reports([report])


@pytest.mark.parametrize("language", ["en", DARI])
def test_service_pages_have_no_accessibility_violations(
    page: Any, published: Any, official: Any, language: str
) -> None:
    reports = []
    for path in (
        "/services/",
        "/services/?q=birth&audience=citizens",
        "/services/birth-certificate/",
        "/services/birth-certificate/archive/",
        "/services/birth-certificate/archive/1/",
        "/services/whats-new/",
        f"/services/authority/{published.authority_id}/",
    ):
        in_language(page, language, path)
        reports.append(axe_report(page))
    sign_in_with_totp(page, official)
    for path in (
        "/services/birth-certificate/edit/",
        "/services/birth-certificate/withdraw/",
        "/services/birth-certificate/news/",
        f"/services/authority/{published.authority_id}/all/",
    ):
        in_language(page, language, path)
        reports.append(axe_report(page))
    assert_no_reports(reports)
