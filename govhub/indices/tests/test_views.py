"""The indices web pages through the Django test client, on the shipped Survey data."""

from __future__ import annotations

import functools
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govhub.accounts.tests.factories import UserFactory
from govhub.core.permissions import PUBLIC, access_of
from govhub.indices import actions, queries, sources
from govhub.indices import urls as indices_urls

pytestmark = pytest.mark.django_db

DASH = "\u2013"  # what the pages show for "no value" (with the words for screen readers)
COUNTRY_LINK = re.compile(r'<a href="/indices/countries/([A-Z]{3})/" aria-label="([^"]+)">')


@functools.cache
def _dataset() -> sources.Dataset:
    return sources.load()  # read the shipped files once for the whole module


@pytest.fixture(autouse=True)
def imported() -> None:
    cache.clear()  # the anonymous page cache outlives a test's database
    queries.clear_cache()
    actions.indices_import(dataset=_dataset())


def _get(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return str(response.content.decode())


def _table_rows(html: str, caption_id: str) -> list[str]:
    """The body rows of the table with that caption, as text without tags."""
    table = html.split(f'id="{caption_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>")[:-1]]


# --- every route ---------------------------------------------------------------------------


def test_every_indices_page_is_public_and_get_only(client):
    # given
    views = {str(p.name): p.callback for p in indices_urls.urlpatterns}
    # then
    assert sorted(views) == [
        "country",
        "map",
        "participation",
        "ranking",
        "region",
        "regions",
        "subregion",
    ]
    assert {name: access_of(view) for name, view in views.items()} == dict.fromkeys(views, PUBLIC)
    assert client.post(reverse("indices:map")).status_code == 405


def test_the_main_navigation_links_to_the_indices(client):
    html = _get(client, "/")
    assert '<a href="/indices/">E-government indices</a>' in html


# --- the map -------------------------------------------------------------------------------


def test_map_links_every_member_state_with_its_group_in_words(client):
    # when
    html = _get(client, "/indices/")
    # then: 193 member states, each a link named by its EGDI and group
    links = dict(COUNTRY_LINK.findall(html.split('class="ix-map-svg"', 1)[1].split("</svg>")[0]))
    assert len(links) == 193
    assert links["DNK"] == "Denmark: EGDI 0.9847, very high"
    assert links["CAF"] == "Central African Republic: EGDI 0.0947, low"
    assert "<title>Denmark: EGDI 0.9847, very high</title>" in html
    assert '<path class="g-very_high" fill="url(#p-g-very_high)" d="M' in html
    # the geography is never mirrored; non-members are background only
    assert '<div class="ix-map" dir="ltr">' in html
    assert '<g class="g-other" aria-hidden="true"><path d="M' in html
    # and the legend counts each group (and "no data") in words
    legend = html.split('aria-label="Legend">', 1)[1].split("</ul>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", legend).split())
    assert text == (
        "very high (EGDI above 0.75): 76 states high (EGDI 0.50 to 0.75): 62 states "
        "middle (EGDI 0.25 to under 0.50): 44 states low (EGDI under 0.25): 11 states "
        "no data (not scored in this edition): 0 states not a UN Member State"
    )


def test_map_of_an_older_edition_marks_states_without_data(client):
    # when
    html = _get(client, "/indices/?year=2010")
    # then
    assert "<h1>World map of e-government, 2010</h1>" in html
    links = dict(COUNTRY_LINK.findall(html))
    assert links["SSD"] == "South Sudan: no data"
    assert links["KOR"] == "Republic of Korea: EGDI 0.8785, very high"
    assert '<option value="2010" selected>2010</option>' in html
    groups = _table_rows(html, "groups-caption")
    assert groups[-1].startswith("no data not scored in this edition 10 ")
    assert "South Sudan" in groups[-1]


def test_map_lists_the_ten_highest_with_a_link_to_the_ranking(client):
    html = _get(client, "/indices/")
    rows = _table_rows(html, "top-caption")
    assert rows[0] == "1 Denmark 0.9847 very high"
    assert len(rows) == 10
    assert '<a href="/indices/ranking/?year=2024">' in html


@pytest.mark.parametrize("year", ["1999", "abc", "2024x", "-1"])
def test_an_unknown_edition_is_not_found_with_the_editions_listed(client, year):
    html = _get(client, f"/indices/?year={year}", 404)
    assert "editions: 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024" in html


def test_map_without_any_data_says_so(client):
    # given
    from govhub.indices.models import Edition, Score

    Score.objects.all().delete()
    Edition.objects.all().delete()
    # when
    html = _get(client, "/indices/")
    # then
    assert "No edition of the UN E-Government Survey has been imported yet." in html
    assert _get(client, "/indices/ranking/", 404)


# --- the ranking ---------------------------------------------------------------------------


def test_ranking_starts_with_denmark_in_2024(client):
    # when
    html = _get(client, "/indices/ranking/")
    rows = _table_rows(html, "ranking-caption")
    # then
    assert len(rows) == 193
    assert rows[0] == (
        "1 Denmark Europe Northern Europe 0.9847 0.9992 0.9584 0.9966 0.9863 very high"
    )
    assert rows[-1].startswith("193 Central African Republic Africa Middle Africa 0.0947")
    assert "193 Member States, 193 ranked" in html
    assert 'aria-sort="ascending"><a href="/indices/ranking/?year=2024&amp;sort=rank&amp;' in html


def test_unranked_states_say_so_and_come_last_never_as_rank_0(client):
    # when
    rows = _table_rows(_get(client, "/indices/ranking/?year=2010"), "ranking-caption")
    # then
    assert rows[0].startswith("1 Republic of Korea ")
    unranked = [r for r in rows if r.startswith(f"{DASH} unranked")]
    assert len(unranked) == 10
    assert rows[-10:] == unranked
    south_sudan = next(r for r in rows if "South Sudan" in r)
    assert south_sudan == (
        f"{DASH} unranked South Sudan Africa Eastern Africa " + f"{DASH} no data " * 5 + "no data"
    )
    assert not any(r.startswith("0 ") for r in rows)


def test_ranking_filters_by_region_and_sub_region(client):
    # when
    europe = _table_rows(_get(client, "/indices/ranking/?region=europe"), "ranking-caption")
    html = _get(client, "/indices/ranking/?subregion=Northern+Europe")
    north = _table_rows(html, "ranking-caption")
    # then: world ranks kept, the area's states only
    assert len(europe) == 43
    assert all(" Europe " in r for r in europe)
    assert [r.split(" Europe ")[0] for r in north[:3]] == ["1 Denmark", "2 Estonia", "5 Iceland"]
    assert len(north) == 10
    assert "<h1>EGDI ranking 2024: Northern Europe</h1>" in html
    assert '<option value="Northern Europe" selected>Northern Europe</option>' in html


def test_ranking_with_a_region_and_a_sub_region_elsewhere_is_empty(client):
    html = _get(client, "/indices/ranking/?region=Asia&subregion=Northern+Europe")
    assert "No Member State matches these filters." in html


def _order(html: str) -> list[str]:
    """The ISO3 codes of the ranking table's rows, in order."""
    table = html.split('id="ranking-caption"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><a href="/indices/countries/([A-Z]{3})/">', table)


def _highest(index: str) -> str:
    rows = [r for r in queries.ranking(2024) if getattr(r, index) is not None]
    return max(rows, key=lambda r: (getattr(r, index), [-ord(c) for c in r.country])).iso3


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        ("sort=name", "AFG", "ZWE"),
        ("sort=name&order=desc", "ZWE", "AFG"),
        ("sort=egdi", "DNK", "CAF"),
        ("sort=egdi&order=asc", "CAF", "DNK"),
        ("sort=rank&order=desc", "CAF", "DNK"),
        ("sort=RANK&order=DESC", "CAF", "DNK"),
        ("sort=epi", "UKR", None),
        ("sort=osi", "osi", None),
        ("sort=hci", "hci", None),
        ("sort=tii", "tii", None),
    ],
)
def test_ranking_sorts_by_any_column(client, query, first, last):
    # when
    order = _order(_get(client, f"/indices/ranking/?{query}"))
    # then
    assert len(order) == 193
    assert order[0] == (_highest(first) if first in queries.INDICES else first)
    if last:
        assert order[-1] == last


def test_sorting_marks_the_sorted_column_and_keeps_missing_values_last(client):
    # when
    html = _get(client, "/indices/ranking/?year=2010&sort=epi&order=asc")
    # then
    assert html.count("aria-sort=") == 1
    assert (
        'aria-sort="ascending"><a href="/indices/ranking/?year=2010&amp;sort=epi&amp;order=desc">'
        in html
    )
    assert _order(html)[-4:] == ["PRK", "SOM", "SSD", "TUV"]
    # the other headers sort in their natural order (indices highest first)
    assert '<a href="/indices/ranking/?year=2010&amp;sort=egdi&amp;order=desc">' in html
    assert '<a href="/indices/ranking/?year=2010&amp;sort=name&amp;order=asc">' in html


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("region=Atlantis", 400, "Unknown region"),
        ("subregion=Atlantis", 400, "Unknown sub-region"),
        ("sort=colour", 400, "Unknown value"),
        ("order=sideways", 400, "Unknown value"),
        ("year=1899", 404, "No edition 1899"),
    ],
)
def test_bad_ranking_parameters_get_a_clear_error_not_a_500(client, query, status, message):
    html = _get(client, f"/indices/ranking/?{query}", status)
    assert message in html


# --- a country -----------------------------------------------------------------------------


def test_country_profile_shows_every_edition_and_the_rank_history(client):
    # when
    html = _get(client, "/indices/countries/DNK/")
    # then
    assert "<h1>Denmark</h1>" in html
    assert '<dd><a href="/indices/regions/europe/">Europe</a></dd>' in html
    assert '<dd><a href="/indices/regions/europe/northern-europe/">Northern Europe</a></dd>' in html
    assert "<dd>High income</dd>" in html
    assert "Rank 1 of 193 Member States, EGDI 0.9847 (very high). Rating class VH." in html
    rows = _table_rows(html, "editions-caption")
    assert [r.split(" ", 2)[:2] for r in rows] == [
        ["2005", "2"],
        ["2008", "2"],
        ["2010", "7"],
        ["2012", "4"],
        ["2014", "16"],
        ["2016", "9"],
        ["2018", "1"],
        ["2020", "1"],
        ["2022", "1"],
        ["2024", "1"],
    ]
    assert rows[-1] == "2024 1 0.9847 0.9992 0.9584 0.9966 0.9863 very high VH"
    assert rows[0].endswith(f"very high {DASH} none")  # no rating classes before 2020
    # the chart: a point per ranked edition, its rank as text; the components with world mean
    history = html.split('id="history-title"', 1)[1].split("</svg>", 1)[0]
    assert history.count('class="ix-point"') == 10
    assert ">16</text>" in history
    components = _table_rows(html, "components-table-caption")
    assert components[0] == "E-Government Development Index (EGDI) 0.9847 0.6382"


def test_country_profile_of_a_state_unranked_in_early_editions(client):
    # when
    html = _get(client, "/indices/countries/SSD/")
    rows = _table_rows(html, "editions-caption")
    # then
    assert rows[2].startswith(f"2010 {DASH} unranked {DASH} no data")
    assert rows[3].startswith("2012 175 0.2239")
    history = html.split('id="history-title"', 1)[1].split("</svg>", 1)[0]
    assert history.count('class="ix-point"') == 7
    assert history.count(">unranked</text>") == 3
    assert "<dd>yes</dd>" in html  # LDC and LLDC


def test_country_codes_are_checked(client):
    assert _get(client, "/indices/countries/XXX/", 404)
    assert _get(client, "/indices/countries/DK1/", 404)
    assert _get(client, "/indices/countries/DENM/", 404)
    response = client.get("/indices/countries/dnk/")
    assert (response.status_code, response["Location"]) == (302, "/indices/countries/DNK/")


# --- regions -------------------------------------------------------------------------------


def test_regions_index_lists_regions_and_sub_regions_with_their_means(client):
    # when
    html = _get(client, "/indices/regions/")
    rows = _table_rows(html, "regions-caption")
    # then
    assert len(rows) == 5 + 22
    assert rows[0].startswith("Africa 54 54 ")
    assert rows[1].startswith("Africa: Eastern Africa 18 18 ")
    assert '<a href="/indices/regions/asia/south-eastern-asia/?year=2024">' in html
    assert "World: mean EGDI 0.6382 (193 of 193 Member States scored)." in html


def test_region_page_spread_of_groups_and_comparison_like_the_seed(client):
    # when: the seed's "Asia: online service development, 2010 against 2012"
    html = _get(client, "/indices/regions/asia/?from=2010&to=2012&index=osi")
    # then
    assert "<h1>Asia</h1>" in html
    spread = _table_rows(html, "spread-table-caption")
    assert [r.split(" ")[0] for r in spread] == ["very", "high", "middle", "low", "no"]
    assert spread[-1] == f"no data not scored in this edition 0 (0%) {DASH} none"
    assert spread[0].startswith("very high EGDI above 0.75 25 (53%) Armenia Azerbaijan")
    assert '<h2 id="compare">Asia: Online Service Index, 2010 against 2012</h2>' in html
    assert (
        "Mean OSI: 0.3191 in 2010 (47 Member States counted), 0.4880 in 2012 (47 counted)." in html
    )
    assert "Change: +0.1688 points (+52.9%)." in html
    assert "Both means divide by the scored Member States only, in 2010 as in 2012." in html
    rows = _table_rows(html, "compare-table-caption")
    assert len(rows) == 47
    korea = next(r for r in rows if r.startswith("Republic of Korea"))
    assert korea == "Republic of Korea 1 1 no change 1.0000 1.0000 +0.0000"
    # and the chart draws a ring and a square per state with both values
    chart = html.split('id="compare-title"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('class="ix-from"') == 47
    assert chart.count('class="ix-to"') == 47


def test_region_comparison_uses_one_denominator_for_both_editions(client):
    # when: 2010 averaged over the scored Member States, 2012 over all with the unscored as 0
    html = _get(client, "/indices/regions/africa/?from=2010&to=2012")
    # then: both over the scored ones, so Africa's change is +7.7 %, not the +1.7 % of mixing
    assert "Change: +0.0211 points (+7.7%)." in html
    assert "Both means divide by the scored Member States only, in 2010 as in 2012." in html


def test_a_russian_page_then_an_english_one(client):
    # when
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    russian = _get(client, "/indices/regions/africa/?from=2010&to=2012")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _get(client, "/indices/regions/africa/?from=2010&to=2012")
    # then: each in its language, with the same comparison
    assert '<html lang="ru"' in russian
    assert '<html lang="en"' in english
    assert "Change: +0.0211 points (+7.7%)." in english
    assert "+0,0211" in russian  # a decimal comma


def test_region_comparison_defaults_to_the_two_latest_editions(client):
    html = _get(client, "/indices/regions/europe/")
    assert "Europe: E-Government Development Index, 2022 against 2024" in html
    assert "Both means count every Member State, an unscored one as 0, in 2022 as in 2024." in html
    assert '<a href="/indices/regions/europe/northern-europe/?year=2024">' in html


def test_sub_region_page(client):
    # when
    html = _get(client, "/indices/regions/asia/south-eastern-asia/?year=2010")
    # then
    assert "<h1>South-eastern Asia</h1>" in html
    assert '<a href="/indices/regions/asia/?year=2010">Asia</a>' in html
    spread = _table_rows(html, "spread-table-caption")
    assert sum(int(r.split(" (")[0].rsplit(" ", 1)[1]) for r in spread) == 11
    assert len(_table_rows(html, "compare-table-caption")) == 11


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/indices/regions/atlantis/", 404),
        ("/indices/regions/asia/northern-europe/", 404),
        ("/indices/regions/asia/?from=2012&to=2012", 400),
        ("/indices/regions/asia/?index=gdp", 400),
        ("/indices/regions/asia/?from=1990", 404),
    ],
)
def test_bad_region_requests(client, path, status):
    assert _get(client, path, status)


# --- e-participation -----------------------------------------------------------------------


def test_participation_leaders_of_the_world_and_of_a_region(client):
    # when
    world = _table_rows(_get(client, "/indices/participation/"), "leaders-table-caption")
    html = _get(client, "/indices/participation/?region=Africa&top=20&year=2024")
    africa = _table_rows(html, "leaders-table-caption")
    # then
    assert world[0] == "1 Ukraine Europe Eastern Europe 1.0000"
    assert world[1:3] == [
        "2 Denmark Europe Northern Europe 0.9863",
        "2 Japan Asia Eastern Asia 0.9863",
    ]
    assert len(world) == 10
    assert africa[0] == "1 29 South Africa Africa Southern Africa 0.8356"
    assert len(africa) >= 20
    assert "<h1>E-participation leaders 2024: Africa</h1>" in html


@pytest.mark.parametrize("query", ["top=7", "top=x", "region=Atlantis", "year=2000"])
def test_bad_participation_parameters(client, query):
    assert client.get(f"/indices/participation/?{query}").status_code in (400, 404)


# --- speed and caching ---------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "paths",
    [
        ["/indices/", "/indices/?year=2010"],
        ["/indices/ranking/", "/indices/ranking/?year=2005&region=Asia&sort=epi"],
        ["/indices/countries/DNK/", "/indices/countries/SSD/"],
        ["/indices/regions/", "/indices/regions/?year=2012"],
        ["/indices/regions/asia/", "/indices/regions/oceania/?from=2005&to=2024&index=epi"],
        ["/indices/regions/asia/central-asia/", "/indices/regions/oceania/polynesia/?year=2005"],
        ["/indices/participation/", "/indices/participation/?region=Asia&top=50"],
    ],
)
def test_query_count_is_constant_and_small(client, paths):
    # given: signed in, so the page cache stays out of the way
    client.force_login(UserFactory())
    client.get(paths[0])  # warm the per-process snapshot of the data
    # when
    counts = [_queries(client, path) for path in paths]
    # then
    assert counts[0] == counts[1]
    assert counts[0] <= 16


def test_anonymous_pages_are_cached_until_the_data_changes(client):
    # given
    first = _get(client, "/indices/ranking/?region=Europe")
    # when: the same page again
    count = _queries(client, "/indices/ranking/?region=europe")
    # then: one query, for the data version
    assert count == 1
    assert _get(client, "/indices/ranking/?region=europe") == first


def test_dari_pages_are_right_to_left_but_the_map_is_not_mirrored(client):
    # when
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa-af"
    html = _get(client, "/indices/")
    # then
    assert '<html lang="fa-af" dir="rtl">' in html
    assert '<div class="ix-map" dir="ltr">' in html
    country = _get(client, "/indices/countries/DNK/")
    assert 'direction="rtl"' in country


# --- country names in the page's language (CLDR) ---------------------------------------------


@pytest.mark.parametrize(
    ("language", "name"), [("ru", "Грузия"), ("fa-af", "گرجستان"), ("en", "Georgia (Country)")]
)
def test_country_names_are_in_the_page_language(client, language, name):
    # given
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # when
    profile = _get(client, "/indices/countries/GEO/")
    ranking = _get(client, "/indices/ranking/?sort=name")
    world_map = _get(client, "/indices/")
    # then: CLDR's name in Russian and Dari, the Survey's own in English
    assert f"<h1>{name}</h1>" in profile
    assert f'<a href="/indices/countries/GEO/">{name}</a>' in ranking
    assert f'<a href="/indices/countries/GEO/">{name}</a>' in world_map


@pytest.mark.parametrize(
    ("language", "first", "last"), [("ru", "AUS", "JPN"), ("fa-af", "DEU", "GRC")]
)
def test_sorting_by_name_follows_the_page_language(client, language, first, last):
    # given
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # when
    order = _order(_get(client, "/indices/ranking/?sort=name"))
    # then: Австралия ... Япония; آلمان ... یونان
    assert len(order) == 193
    assert (order[0], order[-1]) == (first, last)


def test_dari_names_sort_in_the_dari_alphabet_not_by_code_point(client):
    # given
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa-af"
    # when
    order = _order(_get(client, "/indices/ranking/?sort=name"))
    # then: پاکستان before تاجیکستان, and گرجستان before لائوس (پ and گ follow ی in Unicode)
    assert order.index("PAK") < order.index("TJK")
    assert order.index("GEO") < order.index("LAO")
