from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govhub.indices.models import Score

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("indices", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported() -> None:
    _run("import")


def test_import_reports_counts_unmatched_and_time_and_is_idempotent():
    # when
    first = _run("import")
    second = _run("import")
    # then
    lines = first.splitlines()
    assert lines[0] == (
        "2123 created, 0 updated, 0 removed, 0 unchanged (countries and scores); "
        "editions changed: 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024"
    )
    assert lines[1] == "not matched: none (every row of every edition joined on ISO3)"
    assert lines[2].startswith("time: ")
    assert second.splitlines()[0] == (
        "0 created, 0 updated, 0 removed, 2123 unchanged (countries and scores); "
        "editions changed: none"
    )
    assert Score.objects.count() == 1930


def test_rank_as_table(imported):
    # when
    lines = _run("rank", "--year", "2024", "--top", "2").splitlines()
    # then
    assert lines[0].split() == [
        "rank",
        "published_rank",
        "iso3",
        "country",
        "region",
        "subregion",
        "income",
        "egdi",
        "osi",
        "hci",
        "tii",
        "epi",
        "group",
        "rating_class",
    ]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].split()[:3] == ["1", "1", "DNK"]
    assert lines[3].split()[:3] == ["2", "2", "EST"]
    assert len(lines) == 4
    assert lines[2].index("0.98474") == lines[0].index("egdi")  # aligned columns


def test_rank_as_csv_with_missing_values_empty(imported):
    # when
    text = _run("rank", "--year", "2010", "--region", "Oceania", "--format", "csv")
    # then
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 14
    nauru = next(r for r in rows if r["iso3"] == "NRU")
    assert (nauru["rank"], nauru["egdi"], nauru["hci"], nauru["tii"]) == ("", "", "", "")
    assert rows[0]["iso3"] == "AUS"
    assert rows[0]["rank"] == "8"


def test_rank_as_json_dense(imported):
    # when
    rows = json.loads(_run("rank", "--year", "2020", "--dense", "--format", "json"))
    # then
    hungary = next(r for r in rows if r["iso3"] == "HUN")
    assert (hungary["rank"], hungary["published_rank"], hungary["egdi"]) == (51, 52, 0.7745)
    assert rows[-1]["rank"] is not None  # every country was scored in 2020
    assert len(rows) == 193


def test_aggregate_states_the_denominator(imported):
    # when
    default = json.loads(_run("aggregate", "--year", "2010", "--format", "json"))
    regions = list(
        csv.DictReader(
            io.StringIO(
                _run(
                    "aggregate",
                    "--year",
                    "2010",
                    "--by",
                    "region",
                    "--denominator",
                    "all",
                    "--format",
                    "csv",
                )
            )
        )
    )
    # then
    assert default == [
        {
            "year": 2010,
            "group": "World",
            "index": "egdi",
            "denominator": "scored",
            "members": 193,
            "count": 183,
            "mean": 0.440603,
            "median": 0.43917,
            "min": 0.10981,
            "max": 0.87854,
        }
    ]
    assert [(r["group"], r["denominator"], r["count"]) for r in regions] == [
        ("Africa", "all", "54"),
        ("Americas", "all", "35"),
        ("Asia", "all", "47"),
        ("Europe", "all", "43"),
        ("Oceania", "all", "14"),
    ]
    table = _run("aggregate", "--year", "2024", "--by", "sids")
    assert table.splitlines()[0].split()[:5] == ["year", "group", "index", "denominator", "members"]
    assert [line.split()[1] for line in table.splitlines()[2:]] == ["SIDS", "non-SIDS"]


def test_compare_groups_and_one_country(imported):
    # when
    groups = list(
        csv.DictReader(
            io.StringIO(
                _run(
                    "compare", "--from", "2022", "--to", "2024", "--by", "income", "--format", "csv"
                )
            )
        )
    )
    (india,) = json.loads(
        _run("compare", "--from", "2022", "--to", "2024", "--country", "ind", "--format", "json")
    )
    # then
    assert [g["group"] for g in groups] == [
        "High income",
        "Upper middle income",
        "Lower middle income",
        "Low income",
    ]
    assert {(g["denominator_from"], g["denominator_to"]) for g in groups} == {("all", "all")}
    assert india == {
        "iso3": "IND",
        "country": "India",
        "region": "Asia",
        "rank_from": 105,
        "rank_to": 97,
        "rank_change": 8,
        "index": "egdi",
        "mean_from": 0.5883,
        "mean_to": 0.66776,
        "change": 0.07946,
        "change_pct": 13.506714,
    }


def test_compare_countries_on_another_index_keeps_the_egdi_rank(imported):
    # when
    (india,) = json.loads(
        _run(
            "compare", "--from", "2022", "--to", "2024", "--country", "IND", "--index", "epi",
            "--format", "json",
        )
    )  # fmt: skip
    # then: the E-Participation Index changed; the ranks are still the world EGDI ranks
    assert (india["index"], india["rank_from"], india["rank_to"]) == ("epi", 105, 97)
    assert (india["mean_from"], india["mean_to"]) == (0.5909, 0.6575)
    assert india["change"] == round(0.6575 - 0.5909, 6)


def test_methodology_reports_each_editions_egdi_gap_and_the_rebuilt_tii():
    # when: no import needed, it reads the shipped files
    lines = _run("methodology").splitlines()
    # then
    assert lines[0] == "2005: 179 countries, max |mean(OSI, HCI, TII) - EGDI| = 0.000007"
    assert lines[2] == (
        "2010: 183 countries, max |mean(OSI, HCI, TII) - EGDI| = 0.003990; "
        "with the edition's weights 0.34/0.33/0.33: 0.000008"
    )
    assert [line[:4] for line in lines[:10]] == [
        "2005", "2008", "2010", "2012", "2014", "2016", "2018", "2020", "2022", "2024",
    ]  # fmt: skip
    assert lines[10:] == [
        "TII 2012 rebuilt from 4 of 5 series (internet_users, fixed_broadband, mobile_cellular, "
        "fixed_telephone; 2010 data, else the year before): 182 countries, Pearson r with the "
        "published TII = 0.987",
        "TII 2012 rebuilt from 4 of 5 series (internet_users, fixed_broadband, mobile_cellular, "
        "fixed_telephone; 2011 data, else the year before): 183 countries, Pearson r with the "
        "published TII = 0.979",
    ]


def test_country_in_every_format(imported):
    # when
    table = _run("country", "SSD").splitlines()
    data = json.loads(_run("country", "ssd", "--format", "json"))
    rows = list(csv.DictReader(io.StringIO(_run("country", "SSD", "--format", "csv"))))
    # then
    assert table[0] == (
        "South Sudan (SSD, M49 728): Africa / Eastern Africa; income: Low income; "
        "LDC/LLDC/SIDS: LDC, LLDC"
    )
    assert table[3].split() == ["2005", *["-"] * 9]
    assert data["country"]["subregion"] == "Eastern Africa"
    assert [e["year"] for e in data["editions"]] == [
        2005,
        2008,
        2010,
        2012,
        2014,
        2016,
        2018,
        2020,
        2022,
        2024,
    ]
    assert data["editions"][0]["egdi"] is None
    assert data["editions"][3]["egdi"] == 0.22392
    assert len(rows) == 10
    assert (rows[3]["iso3"], rows[3]["year"], rows[3]["rank"]) == ("SSD", "2012", "175")


def test_leaders_and_editions(imported):
    # when
    leaders = json.loads(
        _run("leaders", "--year", "2024", "--index", "epi", "--top", "1", "--format", "json")
    )
    editions = list(csv.DictReader(io.StringIO(_run("editions", "--format", "csv"))))
    # then
    assert [(x["iso3"], x["position"], x["value"]) for x in leaders] == [("UKR", 1, 1.0)]
    assert [(e["year"], e["scored"], e["default_denominator"]) for e in editions][:4] == [
        ("2005", "179", "scored"),
        ("2008", "182", "scored"),
        ("2010", "183", "scored"),
        ("2012", "190", "all"),
    ]


def test_bad_input_is_a_clear_command_error(imported):
    with pytest.raises(CommandError, match=r"No edition 2023 of the Survey; editions: 2005, "):
        _run("rank", "--year", "2023")
    with pytest.raises(CommandError, match="Unknown region 'Atlantis'; use one of: Africa, "):
        _run("rank", "--year", "2024", "--region", "Atlantis")
    with pytest.raises(CommandError, match="No Member State with the code XYZ"):
        _run("country", "XYZ")
    with pytest.raises(CommandError, match="either one country or groups"):
        _run("compare", "--from", "2022", "--to", "2024", "--by", "world", "--country", "DNK")
    with pytest.raises(CommandError, match="top must be at least 1"):
        _run("rank", "--year", "2024", "--top", "0")
