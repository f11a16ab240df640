from __future__ import annotations

import shutil
from collections import Counter

import pytest

from govhub.indices import sources
from govhub.indices.sources import Score, Unmatched


@pytest.fixture(scope="module")
def dataset() -> sources.Dataset:
    return sources.load()


def _score(dataset: sources.Dataset, iso3: str, year: int) -> Score:
    return next(s for s in dataset.scores if s.iso3 == iso3 and s.year == year)


def test_every_member_state_in_every_edition_and_nothing_unmatched(dataset):
    # then
    assert len(dataset.countries) == 193
    assert Counter(s.year for s in dataset.scores) == dict.fromkeys(sources.EDITIONS, 193)
    assert {s.iso3 for s in dataset.scores} == set(dataset.countries)
    assert dataset.unmatched == []


def test_known_values_denmark_2024(dataset):
    # then
    assert _score(dataset, "DNK", 2024) == Score(
        iso3="DNK",
        year=2024,
        rank=1,
        egdi=0.98474,
        osi=0.99924,
        hci=0.95841,
        tii=0.99662,
        epi=0.9863,
    )
    assert dataset.countries["DNK"] == sources.Country(
        iso3="DNK",
        name="Denmark",
        m49="208",
        region="Europe",
        subregion="Northern Europe",
        income="High income",
        ldc=False,
        lldc=False,
        sids=False,
    )


def test_float_noise_of_the_unu_files_is_rounded(dataset):
    # the UNU 2010 file writes Iraq's HCI as 0.6955600000000001
    assert _score(dataset, "IRQ", 2010).hci == 0.69556


def test_south_sudan_before_independence_is_missing_not_zero(dataset):
    # then
    for year in (2005, 2008, 2010):
        assert _score(dataset, "SSD", year) == Score(
            "SSD", year, None, None, None, None, None, None
        )
    assert _score(dataset, "SSD", 2012).egdi == 0.22392
    assert _score(dataset, "SSD", 2012).rank == 175


def test_unscored_country_keeps_published_components_but_loses_fillers(dataset):
    # Libya 2012: EGDI 0 at placeholder rank 191, OSI and EPI 0, HCI and TII published
    assert _score(dataset, "LBY", 2012) == Score(
        "LBY", 2012, None, None, None, 0.85018, 0.37433, None
    )
    # Kiribati 2010: blank HCI in the UNU file, 0 in the merged table
    assert _score(dataset, "KIR", 2010).hci is None
    assert _score(dataset, "KIR", 2010).osi == 0.02857


def test_published_zeros_of_scored_countries_are_kept(dataset):
    # then
    assert _score(dataset, "IRQ", 2005).epi == 0.0  # EPI 0 is a score
    assert _score(dataset, "SOM", 2012).hci == 0.0  # the EGDI is the mean with this zero
    assert _score(dataset, "PLW", 2005).tii == 0.0
    assert _score(dataset, "PLW", 2005).hci == 0.0


def test_egdi_is_never_zero_and_rank_only_with_an_egdi(dataset):
    # then
    assert all(s.egdi is None or s.egdi > 0 for s in dataset.scores)
    assert all((s.rank is None) == (s.egdi is None) for s in dataset.scores)
    unscored = Counter(s.year for s in dataset.scores if s.egdi is None)
    assert unscored == {2005: 14, 2008: 11, 2010: 10, 2012: 3}


def test_zero_not_used_by_the_egdi_is_missing():
    # given a scored row whose EGDI is the mean of the two non-zero components
    values = ("12", "0.5", "0", "0.4", "0", "0.6")
    # when
    score = sources.clean_score("XXX", 2005, values)
    # then
    assert score == Score("XXX", 2005, 12, 0.5, 0.4, None, 0.6, 0.0)


def test_classifications(dataset):
    countries = dataset.countries
    # then
    assert countries["TUR"].name == "Türkiye"
    assert (countries["AGO"].region, countries["AGO"].subregion) == ("Africa", "Middle Africa")
    assert countries["USA"].subregion == "Northern America"
    assert countries["DZA"].m49 == "012"
    assert (countries["AFG"].ldc, countries["AFG"].lldc, countries["AFG"].sids) == (
        True,
        True,
        False,
    )
    assert countries["FJI"].sids
    assert Counter(c.region for c in countries.values()) == {
        "Africa": 54,
        "Asia": 47,
        "Europe": 43,
        "Americas": 35,
        "Oceania": 14,
    }
    assert Counter(c.income for c in countries.values()) == {
        "Upper middle income": 56,
        "High income": 55,
        "Lower middle income": 51,
        "Low income": 31,
    }
    assert (
        sum(c.ldc for c in countries.values()),
        sum(c.lldc for c in countries.values()),
        sum(c.sids for c in countries.values()),
    ) == (47, 32, 37)
    assert len({c.subregion for c in countries.values()}) == 22


def test_authoritative_files():
    # then
    assert sources.authoritative_file(2005) == sources.MERGED
    assert sources.authoritative_file(2020) == sources.MERGED
    assert sources.authoritative_file(2012) == "un-egdi-by-year/unu-egov_egdi-2012.csv"
    assert sources.authoritative_file(2022) == "un-egdi-by-year/EGOV_DATA_2022.csv"


def test_every_other_file_agrees_with_the_authoritative_one():
    # then
    assert sources.cross_check() == []


def test_unknown_name_is_reported_with_its_reason(tmp_path):
    # given a copy of the data where the 2022 export spells Ireland differently
    data = tmp_path / "data"
    shutil.copytree(sources.DATA_DIR, data)
    path = data / "un-egdi-by-year/EGOV_DATA_2022.csv"
    path.write_text(path.read_text(encoding="utf-8").replace('"Ireland "', "Eire"), "utf-8")
    # when
    dataset = sources.load(data)
    # then
    where = "un-egdi-by-year/EGOV_DATA_2022.csv (2022)"
    assert dataset.unmatched == [
        Unmatched(where, "Eire", "no Member State has this name"),
        Unmatched(where, "Ireland", "no row for IRL in this edition"),
    ]
    assert len([s for s in dataset.scores if s.year == 2022]) == 192


def test_name_key_ignores_case_spacing_and_apostrophes():
    assert sources.name_key("  Côte d\u2019Ivoire ") == sources.name_key("CÔTE D'IVOIRE")
