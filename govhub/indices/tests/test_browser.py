"""The indices pages in a real browser: a keyboard user reaches a country through the map;
WCAG 2.2 AA scans in English and Dari; every page fits a phone screen."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from govhub.core.tests.browser import (
    MOBILE,
    assert_no_reports,
    axe_report,
    browser,
    browser_context,
    horizontal_scroll_report,
    live_url,
    page,
)
from govhub.indices import actions, queries, sources

# The browser fixtures, registered for this module by importing them (no conftest needed).
__all__ = ["browser", "browser_context", "live_url", "page"]
pytestmark = pytest.mark.browser

DARI = "fa-af"
LANGUAGES = ["en", DARI]
PAGES = [
    "/indices/",
    "/indices/?year=2010",
    "/indices/ranking/?sort=egdi",
    "/indices/ranking/?year=2010&region=Africa&sort=name",
    "/indices/countries/DNK/",
    "/indices/countries/SSD/",
    "/indices/regions/",
    "/indices/regions/asia/?from=2010&to=2012&index=osi",
    "/indices/regions/asia/south-eastern-asia/",
    "/indices/participation/?region=Europe&top=20",
]


@functools.cache
def _dataset() -> sources.Dataset:
    return sources.load()


@pytest.fixture
def imported(transactional_db: Any) -> None:
    queries.clear_cache()
    actions.indices_import(dataset=_dataset())


def _in_language(page: Any, code: str, path: str) -> None:
    page.goto(f"/language/?lang={code}&next={path.replace('&', '%26').replace('?', '%3F')}")
    html = page.locator("html")
    assert (html.get_attribute("dir"), html.get_attribute("lang")) == (
        "rtl" if code == DARI else "ltr",
        code,
    )


def _focused_label(page: Any) -> str:
    return str(page.evaluate("document.activeElement.getAttribute('aria-label') || ''"))


def test_a_keyboard_user_reaches_a_country_through_the_map(page: Any, imported: None):
    # given: the map, reached from the main navigation
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="E-government indices"
    ).click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == "World map of e-government, 2024"

    # when they tab past the "skip the map" link into the map
    page.get_by_role("link", name="Skip the map").focus()
    page.keyboard.press("Tab")
    # then the first state of the map has focus, with its name, EGDI and group
    assert _focused_label(page) == "Afghanistan: EGDI 0.2083, low"
    assert page.evaluate("document.activeElement.closest('svg.ix-map-svg') !== null")
    # and its focus is visible: an outline in the focus colour
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"

    # when they tab on to Denmark and press Enter
    for _ in range(200):
        if _focused_label(page).startswith("Denmark"):
            break
        page.keyboard.press("Tab")
    assert _focused_label(page) == "Denmark: EGDI 0.9847, very high"
    page.keyboard.press("Enter")
    page.wait_for_url("**/indices/countries/DNK/")

    # then Denmark's profile opens
    assert page.locator("main h1").inner_text() == "Denmark"
    assert page.locator("#editions-caption").inner_text() == "Denmark in every edition"


def test_skip_the_map_moves_past_every_state(page: Any, imported: None):
    # when
    page.goto("/indices/")
    page.get_by_role("link", name="Skip the map").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # then the next stop is the table of groups, after the map's 193 links
    assert page.evaluate("document.activeElement.closest('svg') === null")
    assert page.evaluate("document.activeElement.getAttribute('aria-labelledby')") == (
        "groups-caption"
    )


def test_sorting_the_ranking_by_a_column_heading(page: Any, imported: None):
    # when
    page.goto("/indices/ranking/?year=2024")
    page.get_by_role("link", name="EGDI", exact=True).click()
    page.wait_for_load_state()
    # then
    header = page.locator("th[aria-sort]")
    assert header.get_attribute("aria-sort") == "descending"
    assert header.inner_text().startswith("EGDI")
    first = page.locator(".ix-ranking tbody tr").first.locator("th").inner_text()
    assert first == "Denmark"

    # when they filter by a region with the form
    page.get_by_label("Region", exact=True).select_option("Africa")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    # then the sort is kept and only African states are listed
    assert page.locator("main h1").inner_text() == "EGDI ranking 2024: Africa"
    assert page.locator(".ix-ranking tbody tr").count() == 54
    assert page.locator("th[aria-sort]").inner_text().startswith("EGDI")


@pytest.mark.parametrize("language", LANGUAGES)
def test_indices_pages_have_no_accessibility_violations(page: Any, imported: None, language: str):
    reports = []
    for path in PAGES:
        _in_language(page, language, path)
        assert page.locator("main h1").count() == 1
        reports.append(axe_report(page))
    assert_no_reports(reports)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_map_is_not_mirrored_but_the_legend_and_charts_are(
    page: Any, imported: None, language: str
):
    # when
    _in_language(page, language, "/indices/")
    # then: the map keeps its geography (Japan east of Denmark) in both directions
    japan = page.locator("a[href='/indices/countries/JPN/'] path").bounding_box()
    denmark = page.locator("a[href='/indices/countries/DNK/'] path").bounding_box()
    assert japan["x"] > denmark["x"]
    legend = page.locator(".ix-legend li").first.bounding_box()
    map_box = page.locator(".ix-map").bounding_box()
    if language == DARI:  # the legend starts on the right, like the text
        assert legend["x"] + legend["width"] > map_box["x"] + map_box["width"] - 40
    else:
        assert legend["x"] < map_box["x"] + 40
    # and the rank history's time axis follows the reading direction
    _in_language(page, language, "/indices/countries/DNK/")
    years = page.locator("#history-title ~ text.chart-label")
    first = page.locator("svg text", has_text="2005").bounding_box()
    last = page.locator("svg text", has_text="2024").last.bounding_box()
    assert years.count() == 10
    assert (first["x"] > last["x"]) == (language == DARI)


@pytest.mark.parametrize("language", LANGUAGES)
def test_indices_pages_fit_a_phone_screen(page: Any, imported: None, language: str):
    page.set_viewport_size(MOBILE)
    reports = []
    for path in PAGES:
        _in_language(page, language, path)
        reports.append(horizontal_scroll_report(page))
    assert_no_reports(reports)
