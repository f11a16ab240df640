from __future__ import annotations

import csv
import importlib.metadata
import io
import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhub.indices import actions

pytestmark = pytest.mark.django_db

YEARS = [2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
DENMARK_2024 = {
    "year": 2024,
    "rank": 1,
    "published_rank": 1,
    "iso3": "DNK",
    "country": "Denmark",
    "region": "Europe",
    "subregion": "Northern Europe",
    "income": "High income",
    "egdi": 0.98474,
    "osi": 0.99924,
    "hci": 0.95841,
    "tii": 0.99662,
    "epi": 0.9863,
    "group": "very_high",
    "rating_class": "VH",
}


@pytest.fixture(scope="module", autouse=True)
def survey(django_db_setup, django_db_blocker):
    """The shipped Survey files, imported once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        actions.indices_import()
        yield
        transaction.set_rollback(True)


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same_as_json(
    api_client, path: str, rows: list[dict[str, Any]], **params
) -> list[dict[str, str]]:
    """The CSV of `path` holds the JSON rows: same columns, nulls as empty cells."""
    response = api_client.get(path, format="csv", **params)
    table = _csv(response)
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == list(rows[0])
    assert table == [{k: _cell(v) for k, v in row.items()} for row in rows]
    return table


def _ok(api_client, path: str, **params):
    response = api_client.get(path, **params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def _error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return str(response.json()["error"]["message"])


# --- editions -----------------------------------------------------------------------------


def test_editions_in_json_and_csv(api_client):
    # when
    rows = _ok(api_client, "/indices/editions")
    # then
    assert [r["year"] for r in rows] == YEARS
    assert [r["scored"] for r in rows] == [179, 182, 183, 190, *[193] * 6]
    assert {r["members"] for r in rows} == {193}
    assert [r["default_denominator"] for r in rows] == ["scored"] * 3 + ["all"] * 7
    assert [r["rating_classes"] for r in rows] == [False] * 7 + [True] * 3
    table = _same_as_json(api_client, "/indices/editions", rows)
    assert table[0]["rating_classes"] == "false"


# --- rankings -----------------------------------------------------------------------------


def test_ranking_2024_ranks_all_193_with_the_published_values(api_client):
    # when
    rows = _ok(api_client, "/indices/2024")
    # then
    assert len(rows) == 193
    assert [r["rank"] for r in rows] == list(range(1, 194))
    assert rows[0] == DENMARK_2024
    assert [r["iso3"] for r in rows[:5]] == ["DNK", "EST", "SGP", "KOR", "ISL"]
    assert all(r["egdi"] is not None and r["group"] for r in rows)


def test_ranking_csv_has_the_same_rows_and_a_file_name(api_client):
    # given
    rows = _ok(api_client, "/indices/2024")
    # when
    response = api_client.get("/indices/2024", format="csv")
    # then
    assert response["Content-Disposition"] == 'attachment; filename="egdi-2024.csv"'
    table = _same_as_json(api_client, "/indices/2024", rows)
    assert table[0]["egdi"] == "0.98474"


def test_unscored_countries_are_unranked_with_null_values_never_zero(api_client):
    # when
    rows = _ok(api_client, "/indices/2010")
    # then
    ranked = [r for r in rows if r["rank"] is not None]
    unranked = [r for r in rows if r["rank"] is None]
    assert len(ranked) == 183
    assert rows[: len(ranked)] == ranked  # ranked first, unranked after
    assert [r["iso3"] for r in unranked] == [
        "PRK", "KIR", "MHL", "FSM", "MCO", "NRU", "SMR", "SOM", "SSD", "TUV",
    ]  # fmt: skip
    south_sudan = next(r for r in rows if r["iso3"] == "SSD")
    assert {k: south_sudan[k] for k in ("rank", "published_rank", "egdi", "osi", "hci")} == {
        "rank": None,
        "published_rank": None,
        "egdi": None,
        "osi": None,
        "hci": None,
    }
    assert (south_sudan["tii"], south_sudan["epi"], south_sudan["group"]) == (None, None, None)
    table = _same_as_json(api_client, "/indices/2010", rows)
    row = next(r for r in table if r["iso3"] == "SSD")
    assert (row["rank"], row["egdi"], row["epi"], row["group"]) == ("", "", "", "")
    assert "0" not in {row[k] for k in ("rank", "egdi", "osi", "hci", "tii", "epi")}


def test_ranking_filters_by_region_and_subregion_keeping_world_ranks(api_client):
    # when
    europe = _ok(api_client, "/indices/2024", region="europe")
    north = _ok(api_client, "/indices/2024", subregion=" Northern Europe ")
    both = _ok(api_client, "/indices/2024", region="Europe", subregion="Northern Europe")
    # then
    assert len(europe) == 43
    assert {r["region"] for r in europe} == {"Europe"}
    assert [(r["iso3"], r["rank"]) for r in europe[:3]] == [("DNK", 1), ("EST", 2), ("ISL", 5)]
    assert len(north) == 10
    assert {r["subregion"] for r in north} == {"Northern Europe"}
    assert both == north
    _same_as_json(api_client, "/indices/2024", north, subregion="Northern Europe")


def test_top_keeps_ties_and_dense_ranking_leaves_no_gaps(api_client):
    # when
    top = _ok(api_client, "/indices/2022", top=5)
    competition = _ok(api_client, "/indices/2022")
    dense = _ok(api_client, "/indices/2022", method="dense")
    # then
    assert [(r["iso3"], r["rank"]) for r in top] == [
        ("DNK", 1), ("FIN", 2), ("KOR", 3), ("NZL", 4), ("ISL", 5), ("SWE", 5),
    ]  # fmt: skip
    assert [(r["iso3"], r["rank"]) for r in competition[5:7]] == [("SWE", 5), ("AUS", 7)]
    assert [(r["iso3"], r["rank"]) for r in dense[5:7]] == [("SWE", 5), ("AUS", 6)]
    assert (competition[-1]["iso3"], competition[-1]["rank"]) == ("SSD", 193)
    assert (dense[-1]["iso3"], dense[-1]["rank"]) == ("SSD", 189)
    assert [r["published_rank"] for r in dense[:7]] == [r["published_rank"] for r in top] + [7]
    _same_as_json(api_client, "/indices/2022", dense, method="dense")


# --- aggregates ---------------------------------------------------------------------------


def test_aggregates_state_their_denominator_in_each_row(api_client):
    # when
    scored = _ok(api_client, "/indices/2010/aggregates", by="region", denominator="scored")
    every = _ok(api_client, "/indices/2010/aggregates", by="region", denominator="all")
    default = _ok(api_client, "/indices/2010/aggregates", by="region")
    # then
    assert [r["group"] for r in scored] == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert {r["denominator"] for r in scored} == {"scored"}
    assert {r["denominator"] for r in every} == {"all"}
    assert default == scored  # 2005-2010 averaged over the scored countries
    oceania_scored, oceania_all = scored[-1], every[-1]
    assert (oceania_scored["members"], oceania_scored["count"]) == (14, 9)
    assert (oceania_all["members"], oceania_all["count"]) == (14, 14)
    assert oceania_scored["mean"] == pytest.approx(0.419284, abs=1e-6)
    assert oceania_all["mean"] == pytest.approx(0.26954, abs=1e-6)
    assert oceania_all["min"] == 0.0  # "all" counts the unscored as 0, and says so
    assert oceania_scored["min"] > 0
    _same_as_json(api_client, "/indices/2010/aggregates", every, by="region", denominator="all")


def test_world_average_2012_matches_the_survey_with_its_denominator(api_client):
    # when
    every = _ok(api_client, "/indices/2012/aggregates", denominator="all")
    scored = _ok(api_client, "/indices/2012/aggregates", denominator="scored")
    # then: the 2012 Survey reported 0.4882 (all 193, the unscored as 0)
    assert [(r["group"], r["count"], round(r["mean"], 4)) for r in every] == [
        ("World", 193, 0.4882)
    ]
    assert [(r["group"], r["count"], round(r["mean"], 4)) for r in scored] == [
        ("World", 190, 0.4959)
    ]


def test_aggregates_csv_by_subregion_and_other_index(api_client):
    # given
    rows = _ok(api_client, "/indices/2024/aggregates", by="subregion", index="epi")
    # when
    response = api_client.get("/indices/2024/aggregates", by="subregion", index="epi", format="csv")
    # then
    assert response["Content-Disposition"] == 'attachment; filename="epi-2024-by-subregion.csv"'
    assert len(rows) == len({r["group"] for r in rows}) > 15
    assert sum(r["members"] for r in rows) == 193
    assert {r["index"] for r in rows} == {"epi"}
    _same_as_json(api_client, "/indices/2024/aggregates", rows, by="subregion", index="epi")


# --- comparisons --------------------------------------------------------------------------


def test_compare_groups_in_points_and_per_cent(api_client):
    # when
    rows = _ok(api_client, "/indices/compare", **{"from": 2012, "to": 2024, "by": "region"})
    # then
    assert [r["group"] for r in rows] == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    africa = rows[0]
    assert (africa["denominator_from"], africa["denominator_to"]) == ("all", "all")
    assert (africa["count_from"], africa["count_to"]) == (54, 54)
    assert africa["mean_from"] == pytest.approx(0.278025, abs=1e-6)
    assert africa["mean_to"] == pytest.approx(0.424726, abs=1e-6)
    assert africa["change"] == pytest.approx(africa["mean_to"] - africa["mean_from"])
    assert africa["change_pct"] == pytest.approx(52.765235, abs=1e-6)
    response = api_client.get("/indices/compare", **{"from": 2012, "to": 2024, "by": "region"})
    assert response["ETag"]
    csv_response = api_client.get(
        "/indices/compare", **{"from": 2012, "to": 2024, "by": "region", "format": "csv"}
    )
    assert csv_response["Content-Disposition"] == (
        'attachment; filename="egdi-2012-2024-region.csv"'
    )
    _same_as_json(
        api_client, "/indices/compare", rows, **{"from": 2012, "to": 2024, "by": "region"}
    )


def test_compare_countries_rank_from_and_rank_to(api_client):
    # when
    rows = _ok(api_client, "/indices/compare", **{"from": 2010, "to": 2024})
    # then
    assert len(rows) == 193
    by_iso3 = {r["iso3"]: r for r in rows}
    assert rows[0]["iso3"] == "DNK"  # by rank in the later edition
    picked = {k: by_iso3[k] for k in ("DNK", "EST", "KOR", "SSD")}
    assert {k: (r["rank_from"], r["rank_to"], r["rank_change"]) for k, r in picked.items()} == {
        "DNK": (7, 1, 6),
        "EST": (20, 2, 18),
        "KOR": (1, 4, -3),
        "SSD": (None, 192, None),
    }
    assert (by_iso3["DNK"]["mean_from"], by_iso3["DNK"]["mean_to"]) == (0.78722, 0.98474)
    assert (by_iso3["DNK"]["index"], by_iso3["SSD"]["mean_from"]) == ("egdi", None)
    assert by_iso3["SSD"]["change"] is None
    table = _same_as_json(api_client, "/indices/compare", rows, **{"from": 2010, "to": 2024})
    south_sudan = next(r for r in table if r["iso3"] == "SSD")
    assert (south_sudan["rank_from"], south_sudan["rank_to"]) == ("", "192")


def test_compare_one_country(api_client):
    # when
    rows = _ok(api_client, "/indices/compare", **{"from": 2012, "to": 2024, "country": "kor"})
    # then
    assert [
        (r["iso3"], r["rank_from"], r["rank_to"], r["mean_from"], r["mean_to"]) for r in rows
    ] == [("KOR", 1, 4, 0.92832, 0.96789)]
    response = api_client.get(
        "/indices/compare", **{"from": 2012, "to": 2024, "country": "kor", "format": "csv"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="egdi-2012-2024-kor.csv"'


def test_compare_countries_on_the_index_asked_for(api_client):
    # when
    params = {"from": 2010, "to": 2012}
    epi = _ok(api_client, "/indices/compare", **params, index="epi")
    egdi = _ok(api_client, "/indices/compare", **params)
    response = api_client.get("/indices/compare", **params, index="epi", format="csv")
    # then: the EPI's values and change, the world EGDI ranks, in the same order
    denmark = next(r for r in epi if r["iso3"] == "DNK")
    assert {k: denmark[k] for k in ("index", "rank_from", "rank_to")} == {
        "index": "epi",
        "rank_from": 7,
        "rank_to": 4,
    }
    assert (denmark["mean_from"], denmark["mean_to"]) == (0.64285, 0.5526)
    assert denmark["change"] == pytest.approx(0.5526 - 0.64285)
    assert [r["iso3"] for r in epi] == [r["iso3"] for r in egdi]
    assert [r["rank_to"] for r in epi] == [r["rank_to"] for r in egdi]
    assert response["Content-Disposition"] == 'attachment; filename="epi-2010-2012-countries.csv"'
    assert {r["index"] for r in _csv(response)} == {"epi"}


def test_compare_groups_default_to_one_denominator_for_both_editions(api_client):
    # when: 2010 averaged over the scored countries, 2012 over all (the unscored as 0)
    rows = _ok(api_client, "/indices/compare", **{"from": 2010, "to": 2012, "by": "region"})
    # then: both sides over the scored countries, so Africa's change is its own
    africa = rows[0]
    assert (africa["group"], africa["denominator_from"], africa["denominator_to"]) == (
        "Africa",
        "scored",
        "scored",
    )
    assert round(africa["change_pct"], 1) == 7.7


def test_compare_refuses_groups_and_a_country_together(api_client):
    # when
    response = api_client.get(
        "/indices/compare", **{"from": 2012, "to": 2024, "by": "region", "country": "KOR"}
    )
    # then
    _error(response, 400, "invalid_compare")


# --- leaders and country profiles ---------------------------------------------------------


def test_e_participation_leaders_in_a_region_with_their_world_position(api_client):
    # when
    rows = _ok(api_client, "/indices/2024/leaders", index="epi", top=3, region="Asia")
    # then: Saudi Arabia and Singapore share the third place, so both are listed
    assert [(r["iso3"], r["position"], r["world_position"], r["value"]) for r in rows] == [
        ("JPN", 1, 2, 0.9863),
        ("KOR", 2, 4, 0.9726),
        ("SAU", 3, 7, 0.9589),
        ("SGP", 3, 7, 0.9589),
    ]
    world = _ok(api_client, "/indices/2024/leaders", index="epi")
    assert [r["iso3"] for r in world[:2]] == ["UKR", "DNK"]
    assert len(world) >= 10
    response = api_client.get("/indices/2024/leaders", index="epi", format="csv")
    assert response["Content-Disposition"] == 'attachment; filename="epi-2024-leaders.csv"'
    _same_as_json(api_client, "/indices/2024/leaders", rows, index="epi", top=3, region="Asia")


def test_country_profile_has_every_edition(api_client):
    # when
    profile = _ok(api_client, "/indices/countries/dnk")
    # then
    assert profile["country"] == {
        "iso3": "DNK",
        "name": "Denmark",
        "m49": "208",
        "region": "Europe",
        "subregion": "Northern Europe",
        "income": "High income",
        "ldc": False,
        "lldc": False,
        "sids": False,
    }
    assert [(r["year"], r["rank"]) for r in profile["editions"]] == [
        (2005, 2), (2008, 2), (2010, 7), (2012, 4), (2014, 16),
        (2016, 9), (2018, 1), (2020, 1), (2022, 1), (2024, 1),
    ]  # fmt: skip
    assert profile["editions"][-1] == DENMARK_2024
    response = api_client.get("/indices/countries/dnk", format="csv")
    assert response["Content-Disposition"] == 'attachment; filename="egdi-DNK.csv"'
    _same_as_json(api_client, "/indices/countries/DNK", profile["editions"])


def test_country_profile_of_south_sudan_keeps_the_years_before_independence_null(api_client):
    # when
    profile = _ok(api_client, "/indices/countries/SSD")
    # then
    editions = profile["editions"]
    assert [r["year"] for r in editions] == YEARS
    assert [(r["rank"], r["egdi"]) for r in editions[:3]] == [(None, None)] * 3
    assert [r["rank"] for r in editions[3:]] == [175, 185, 183, 191, 193, 193, 192]
    table = _same_as_json(api_client, "/indices/countries/SSD", editions)
    assert [r["egdi"] for r in table[:3]] == ["", "", ""]


# --- self-assessment ----------------------------------------------------------------------


def _assess(api_client, body):
    return api_client.send("POST", "/indices/self-assessment", body)


def test_self_assessment_from_component_values(api_client):
    # when: Denmark's own 2024 components
    response = _assess(api_client, {"year": 2024, "osi": 0.99924, "hci": 0.95841, "tii": 0.99662})
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["egdi"] == pytest.approx((0.99924 + 0.95841 + 0.99662) / 3)
    assert (body["rank"], body["out_of"], body["year"]) == (1, 194, 2024)
    assert (body["group"], body["rating_class"], body["notes"]) == ("very_high", "VH", [])


def test_self_assessment_ranks_among_the_published_values(api_client):
    # given
    published = [r["egdi"] for r in _ok(api_client, "/indices/2024")]
    # when
    body = _assess(api_client, {"year": 2024, "osi": 0.9, "hci": 0.9, "tii": 0.9}).json()
    # then
    assert body["egdi"] == pytest.approx(0.9)
    assert body["rank"] == 1 + sum(v > 0.9 for v in published) == 27
    assert (body["group"], body["rating_class"]) == ("very_high", "V3")


def test_self_assessment_uses_the_editions_weights(api_client):
    # when: 2010 weighed OSI 0.34, HCI and TII 0.33
    body = _assess(api_client, {"year": 2010, "osi": 0.5, "hci": 0.9, "tii": 0.3}).json()
    # then
    assert body["egdi"] == pytest.approx(0.34 * 0.5 + 0.33 * 0.9 + 0.33 * 0.3)
    assert (body["out_of"], body["rating_class"]) == (184, None)


RAW = {
    "year": 2024,
    "stage_counts": {"emerging": 10, "enhanced": 20, "transactional": 15, "connected": 5},
    "stage_maxima": {"emerging": 10, "enhanced": 25, "transactional": 25, "connected": 20},
    "hci_raw": {
        "adult_literacy": 99,
        "gross_enrolment": 110,
        "expected_schooling": 16.2,
        "mean_schooling": 12,
    },
    "tii_indicators": {
        "internet_users": 90,
        "fixed_broadband": 30,
        "active_mobile_broadband": 150,
        "mobile_cellular": 120,
    },
}


def test_self_assessment_from_raw_inputs(api_client):
    # given
    published = [r["egdi"] for r in _ok(api_client, "/indices/2024")]
    # when
    response = _assess(api_client, RAW)
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["osi"] == pytest.approx(50 / 80)  # points earned over points assessed
    # 1/3 of 0.99 literacy + 2/9 of (enrolment capped at 1.0, 16.2/18, 12/15)
    assert body["hci"] == pytest.approx(0.99 / 3 + 2 / 9 * (1.0 + 0.9 + 0.8))
    assert body["tii"] == pytest.approx((90 / 120 + 30 / 120 + 1.0 + 1.0) / 4)  # cut at 120
    assert body["egdi"] == pytest.approx((0.625 + 0.93 + 0.75) / 3)
    assert body["rank"] == 1 + sum(v > body["egdi"] for v in published)
    assert (body["group"], body["rating_class"]) == ("very_high", "V1")
    assert len(body["notes"]) == 3
    assert body["notes"][0].startswith("OSI approximated")
    assert body["notes"][1].startswith("HCI not normalised")
    assert body["notes"][2].startswith("TII approximated")


def test_self_assessment_from_hci_component_indices(api_client):
    # given
    components = {
        "adult_literacy": 0.99,
        "gross_enrolment": 1.0,
        "expected_schooling": 0.9,
        "mean_schooling": 0.8,
    }
    body = {k: v for k, v in RAW.items() if k != "hci_raw"} | {"hci_components": components}
    # when
    response = _assess(api_client, body)
    # then
    assert response.status_code == 200, response.content
    assert response.json()["hci"] == pytest.approx(0.93)
    assert response.json()["egdi"] == _assess(api_client, RAW).json()["egdi"]


def test_self_assessment_explains_insufficient_input(api_client):
    # when
    response = _assess(api_client, {"year": 2024, "osi": 0.5})
    # then
    message = _error(response, 400, "insufficient_input")
    assert "hci, tii" in message
    assert "stage_counts" in message


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"osi": 0.5, "hci": 0.5, "tii": 0.5}, 400, "invalid_input"),  # no year
        ({"year": 1999, "osi": 0.5, "hci": 0.5, "tii": 0.5}, 404, "edition_not_found"),
        ({"year": 10**4000, "osi": 0.5, "hci": 0.5, "tii": 0.5}, 400, "number_out_of_range"),
        ({"year": 2024, "osi": 1.5, "hci": 0.5, "tii": 0.5}, 400, "invalid_input"),
        ({"year": 2024, "osi": "high", "hci": 0.5, "tii": 0.5}, 400, "invalid_input"),
        ({**RAW, "stage_maxima": None}, 400, "invalid_self_assessment"),
        ({**RAW, "stage_counts": {"emerging": 11}}, 400, "invalid_self_assessment"),
        ({**RAW, "stage_counts": {"x": 1}, "stage_maxima": {"x": 2}}, 400, "invalid_input"),
        ({**RAW, "stage_counts": {"emerging": -1}}, 400, "invalid_input"),
        ({**RAW, "stage_maxima": {"emerging": 10**9}}, 400, "invalid_input"),
        ({**RAW, "hci_raw": {"adult_literacy": -1}}, 400, "invalid_input"),
        ({**RAW, "hci_raw": {"adult_literacy": 1e300}}, 400, "invalid_input"),
        ({**RAW, "hci_raw": {"adult_literacy": 90}}, 400, "invalid_self_assessment"),
        ({**RAW, "hci_components": {"adult_literacy": 0.9}}, 400, "invalid_self_assessment"),
        ({**RAW, "hci_components": {"adult_literacy": 1.5}}, 400, "invalid_input"),
        ({**RAW, "tii_indicators": {"internet_users": 90}}, 400, "invalid_self_assessment"),
        ({**RAW, "tii_indicators": {"unknown": 1}}, 400, "invalid_input"),
        ({**RAW, "tii_indicators": {"internet_users": 1e6}}, 400, "invalid_input"),
        ({**RAW, "tii_indicators": ["internet_users"]}, 400, "invalid_input"),
    ],
)
def test_self_assessment_refuses_bad_input_with_a_code(api_client, body, status, code):
    # when
    response = _assess(api_client, body)
    # then
    _error(response, status, code)


def test_self_assessment_refuses_a_non_finite_raw_value(api_client):
    # when: Python's json accepts NaN and Infinity, so a client can send them
    for value in ("NaN", "Infinity"):
        response = Client().post(
            "/api/v1/indices/self-assessment",
            '{"year": 2024, "osi": 0.5, "hci": 0.5, "tii_indicators": {"internet_users": '
            + value
            + "}}",
            content_type="application/json",
        )
        # then: the API's parser refuses them before the operation runs
        _error(response, 400, "number_out_of_range")


@pytest.mark.parametrize(
    "field", ["stage_counts", "stage_maxima", "hci_components", "hci_raw", "tii_indicators"]
)
def test_self_assessment_refuses_a_huge_input_at_once_with_a_short_message(api_client, field):
    # given: 10,000 made-up names, and one name 100,000 characters long
    many = {f"stage-{i}": 1 for i in range(10_000)}
    long = {"x" * 100_000: 1}
    # when
    responses = [
        _assess(api_client, {"year": 2024, "osi": 0.5, "hci": 0.5, "tii": 0.5, field: value})
        for value in (many, long)
    ]
    # then: one error each, no entry echoed back
    for response in responses:
        _error(response, 400, "invalid_input")
        assert len(response.content) < 1000
        assert len(response.json()["error"]["details"]) == 1
    assert "at most" in responses[0].json()["error"]["details"][0]["msg"]
    assert "unknown key 'xxx" in responses[1].json()["error"]["details"][0]["msg"]


def test_self_assessment_documents_the_known_keys(api_client):
    # given
    from govhub.indices import compute, rest_schemas

    document = json.loads(Client().get("/api/v1/openapi.json").content)
    body = document["components"]["schemas"]["SelfAssessmentIn"]["properties"]
    # then: the schema's names are compute's
    assert set(rest_schemas.STAGE_NAMES) == set(compute.STAGES) | set(compute.STAGES_2008)
    assert set(rest_schemas.HCI_COMPONENTS) == set(compute.HCI_COMPONENTS)
    assert set(rest_schemas.TII_INDICATORS) == {
        n for e in compute.EDITIONS.values() for n in e.tii_indicators
    }
    stage_counts = json.dumps(body["stage_counts"])
    assert '"propertyNames": {"enum": [' in stage_counts
    assert '"maximum": 100000' in stage_counts


# --- routes, errors, caching, OpenAPI -----------------------------------------------------


def test_named_routes_are_not_taken_for_a_year(api_client):
    # then: each answers from its own handler
    assert _ok(api_client, "/indices/editions")[0]["year"] == 2005
    assert _ok(api_client, "/indices/compare", **{"from": 2022, "to": 2024})[0]["iso3"] == "DNK"
    assert _ok(api_client, "/indices/countries/EST")["country"]["iso3"] == "EST"
    assessed = _assess(api_client, {"year": 2024, "osi": 0.5, "hci": 0.5, "tii": 0.5})
    assert assessed.status_code == 200
    _error(api_client.get("/indices/self-assessment"), 405, "method_not_allowed")
    _error(api_client.get("/indices/latest"), 404, "not_found")


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/indices/1999", {}, 404, "edition_not_found"),
        ("/indices/1999/aggregates", {}, 404, "edition_not_found"),
        ("/indices/1999/leaders", {}, 404, "edition_not_found"),
        ("/indices/99999999999999999999999", {}, 404, "edition_not_found"),
        ("/indices/-2024", {}, 404, "not_found"),
        ("/indices/compare", {"from": 2012, "to": 2030}, 404, "edition_not_found"),
        ("/indices/compare", {"from": 2011, "to": 2024, "by": "region"}, 404, "edition_not_found"),
        ("/indices/countries/XYZ", {}, 404, "country_not_found"),
        ("/indices/countries/Denmark", {}, 404, "country_not_found"),
        ("/indices/2024", {"format": "xml"}, 400, "invalid_format"),
        ("/indices/editions", {"format": "CSV "}, 400, "invalid_format"),
        ("/indices/2024", {"region": "Atlantis"}, 400, "unknown_region"),
        ("/indices/2024", {"subregion": "Atlantis"}, 400, "unknown_subregion"),
        ("/indices/2024", {"method": "olympic"}, 400, "invalid_method"),
        ("/indices/2024", {"top": 0}, 400, "invalid_top"),
        ("/indices/2024", {"top": "ten"}, 400, "invalid_input"),
        ("/indices/2024/aggregates", {"by": "planet"}, 400, "invalid_group_by"),
        ("/indices/2024/aggregates", {"denominator": "some"}, 400, "invalid_denominator"),
        ("/indices/2024/aggregates", {"index": "gdp"}, 400, "invalid_index"),
        ("/indices/2024/leaders", {"index": "gdp"}, 400, "invalid_index"),
        ("/indices/2024/leaders", {"top": -1}, 400, "invalid_top"),
        ("/indices/compare", {"to": 2024}, 400, "invalid_input"),
        ("/indices/compare", {"from": "last", "to": 2024}, 400, "invalid_input"),
        ("/indices/compare", {"from": 2012, "to": 2024, "by": "x"}, 400, "invalid_group_by"),
        ("/indices/compare", {"from": 2012, "to": 2024, "country": "XX"}, 404, "country_not_found"),
    ],
)
def test_errors_have_a_status_and_a_stable_code(api_client, path, params, status, code):
    # when
    response = api_client.get(path, **params)
    # then
    _error(response, status, code)
    assert "Cache-Control" not in response


PATHS = [
    "/indices/2024",
    "/indices/2010/aggregates",
    "/indices/2024/leaders",
    "/indices/compare",
    "/indices/countries/KEN",
    "/indices/editions",
]
PARAMS = ["format", "region", "subregion", "top", "method", "by", "denominator", "index"]
JUNK = st.text(st.characters(codec="utf-8"), max_size=20)  # no lone surrogates


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(PATHS),
    params=st.dictionaries(st.sampled_from([*PARAMS, "from", "to", "country"]), JUNK, max_size=4),
)
def test_junk_query_values_never_cause_a_server_error(api_client, path, params):
    # when
    response = api_client.get(path, **params)
    # then
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code != 200:
        assert response.json()["error"]["code"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(["year", "osi", "hci", "tii", "stage_counts", "stage_maxima",
                         "hci_components", "hci_raw", "tii_indicators"]),
        st.one_of(
            st.none(),
            st.integers(-(10**20), 10**20),
            st.floats(allow_nan=False),
            JUNK,
            st.dictionaries(JUNK, st.one_of(st.integers(-5, 200), st.floats(-1, 200)), max_size=4),
        ),
        max_size=6,
    )
)  # fmt: skip
def test_junk_self_assessments_never_cause_a_server_error(api_client, body):
    # when
    response = _assess(api_client, body)
    # then
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code != 200:
        assert response.json()["error"]["code"]


def test_reads_are_cacheable_and_answer_304_to_a_known_etag(api_client):
    # given
    first = api_client.get("/indices/2024/aggregates", by="region")
    etag = first["ETag"]
    # when
    again = api_client.client.get(
        "/api/v1/indices/2024/aggregates", {"by": "region"}, headers={"If-None-Match": etag}
    )
    # then
    assert first["Cache-Control"] == "public, max-age=300"
    assert etag.startswith('W/"')
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert again["Cache-Control"] == "public, max-age=300"
    others = {
        api_client.get("/indices/2024/aggregates", by="subregion")["ETag"],
        api_client.get("/indices/2024/aggregates", by="region", format="csv")["ETag"],
        api_client.get("/indices/2022/aggregates", by="region")["ETag"],
    }
    assert etag not in others
    assert len(others) == 3
    stale = api_client.client.get(
        "/api/v1/indices/2024/aggregates", {"by": "region"}, headers={"If-None-Match": '"old"'}
    )
    assert stale.status_code == 200
    assert stale.content == first.content


def test_a_new_import_changes_the_etag_and_the_answer(api_client):
    # given
    before = api_client.get("/indices/countries/DNK")
    from govhub.indices.models import Score

    Score.objects.filter(country_id="DNK", edition_id=2024).update(epi=0.5)
    Score.objects.filter(country_id="DNK", edition_id=2005).delete()  # data_version moves
    # when
    after = api_client.get("/indices/countries/DNK")
    # then
    assert after["ETag"] != before["ETag"]
    editions = after.json()["editions"]
    assert (editions[0]["year"], editions[-1]["epi"]) == (2008, 0.5)


def test_a_deploy_changes_the_etag_and_a_star_matches_any(api_client, monkeypatch):
    # given
    from govhub.indices import rest

    before = api_client.get("/indices/2024/aggregates")["ETag"]
    # when: another release of GovHub serves the same data
    monkeypatch.setattr(rest, "release", lambda: "99.0.0")
    after = api_client.get("/indices/2024/aggregates")["ETag"]
    star = api_client.client.get("/api/v1/indices/2024", headers={"If-None-Match": "*"})
    listed = api_client.client.get(
        "/api/v1/indices/2024/aggregates", headers={"If-None-Match": f'"other", {after}'}
    )
    # then
    assert after != before
    assert (star.status_code, star.content) == (304, b"")
    assert star["ETag"].startswith('W/"')
    assert listed.status_code == 304


def test_the_etag_says_what_release_served_it(api_client):
    # given
    from govhub.indices import rest

    # then: the installed package's version, read once
    assert rest.release() == importlib.metadata.version("govhub")


def test_spellings_of_one_request_share_one_cached_body(api_client):
    # given
    from govhub.indices import rest

    rest._rendered.bodies.clear()
    variants: list[tuple[str, dict[str, Any]]] = [
        ("/indices/2024", {"region": "Europe"}),
        ("/indices/2024", {"region": "eUrOpE"}),
        ("/indices/2024", {"region": " europe "}),
        ("/indices/2024/leaders", {"region": "asia", "subregion": "WESTERN asia", "top": 500}),
        ("/indices/2024/leaders", {"region": "Asia", "subregion": "Western Asia", "top": 10**9}),
        ("/indices/countries/dnk", {}),
        ("/indices/countries/DNK", {}),
        ("/indices/compare", {"from": 2022, "to": 2024, "country": "kor"}),
        ("/indices/compare", {"from": 2022, "to": 2024, "country": " KOR"}),
    ]
    # when
    responses = [api_client.get(path, **params) for path, params in variants]
    # then: four requests in nine spellings: four entries and four ETags
    assert [r.status_code for r in responses] == [200] * len(variants)
    assert len(rest._rendered.bodies) == 4
    assert len({r["ETag"] for r in responses}) == 4
    assert responses[0].content == responses[2].content
    keys = [key[2:] for key in rest._rendered.bodies]
    assert ("json", "ranking", 2024, "Europe", None, None, "competition") in keys
    assert ("json", "country", "DNK") in keys


def test_the_cache_budget_counts_keys_as_well_as_bodies():
    # given
    from govhub.indices import rest

    cache = rest._Rendered(budget=100)
    # when
    cache.put(("k" * 60,), b"x" * 30)
    cache.put(("k" * 60,), b"x" * 30)  # the same key again costs nothing more
    # then
    assert cache.size == 30 + len(repr(("k" * 60,)))
    cache.put(("other",), b"y")
    assert list(cache.bodies) == [("other",)]  # past the budget: emptied first


def test_one_query_per_api_call(api_client):
    # given: the snapshot is warm, the body not yet rendered
    from govhub.indices import rest

    api_client.get("/indices/2024")
    rest._rendered.bodies.clear()
    # when
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get("/indices/2024", region="Asia", top=5)
    # then: the data version, once, for the ETag and the body alike
    assert response.status_code == 200
    assert len(ctx.captured_queries) == 1


def test_a_russian_request_then_an_english_one_get_the_same_body(api_client, russian_world):
    # given
    from govhub.indices import queries, rest

    queries.clear_cache()
    rest._rendered.bodies.clear()
    path = "/api/v1/indices/compare"
    params = {"from": 2010, "to": 2012, "by": "world"}
    # when
    russian = api_client.client.get(path, params, headers={"Accept-Language": "ru"})
    english = api_client.client.get(path, params, headers={"Accept-Language": "en"})
    aggregates = [
        api_client.client.get("/api/v1/indices/2012/aggregates", headers={"Accept-Language": lang})
        for lang in ("ru", "en")
    ]
    # then: the keys of an API never change with the language
    assert [(r["group"], r["mean_from"] is not None) for r in english.json()] == [("World", True)]
    assert russian.content == english.content
    assert russian["ETag"] == english["ETag"]
    assert aggregates[0].content == aggregates[1].content
    assert aggregates[1].json()[0]["group"] == "World"


def test_openapi_documents_the_indices_with_csv_and_the_format_parameter():
    # when
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    # then
    paths = document["paths"]
    assert {
        "/api/v1/indices/editions",
        "/api/v1/indices/compare",
        "/api/v1/indices/countries/{iso3}",
        "/api/v1/indices/self-assessment",
        "/api/v1/indices/{year}",
        "/api/v1/indices/{year}/aggregates",
        "/api/v1/indices/{year}/leaders",
    } <= set(paths)
    ranking = paths["/api/v1/indices/{year}"]["get"]
    assert ranking["x-govhub-access"] == "public"
    assert "security" not in ranking
    assert set(ranking["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    params = {p["name"]: p for p in ranking["parameters"]}
    assert params["format"]["schema"]["enum"] == ["json", "csv"]
    assert params["method"]["schema"]["enum"] == ["competition", "dense"]
    row = document["components"]["schemas"]["RowOut"]["properties"]
    assert {"anyOf": [{"type": "integer"}, {"type": "null"}]}.items() <= row["rank"].items()
    compare = paths["/api/v1/indices/compare"]["get"]
    assert {p["name"] for p in compare["parameters"]} >= {"from", "to", "by", "denominator"}
