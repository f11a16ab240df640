"""The Survey methodology as pure functions: ranking, groups, aggregates, normalisation, indices.

No database and no data files: every expected value here is worked out by hand.
"""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhub.indices import compute as c

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
maybe = st.one_of(st.none(), finite)
score_maps = st.dictionaries(st.text(min_size=1, max_size=4), maybe, max_size=30)
value_maps = st.dictionaries(st.text(min_size=1, max_size=4), maybe, min_size=1, max_size=30)


# --- ranking ---------------------------------------------------------------------------------


def test_competition_rank_shares_tied_ranks_skips_next_and_leaves_unscored_unranked():
    # given
    scores = {"DNK": 0.97, "KOR": 0.95, "EST": 0.95, "FIN": 0.94, "SSD": None}
    # when
    ranks = c.rank(scores)
    # then
    assert ranks == {"DNK": 1, "KOR": 2, "EST": 2, "FIN": 4, "SSD": None}


def test_dense_rank_leaves_no_gap_after_a_tie():
    # given
    scores = {"DNK": 0.97, "KOR": 0.95, "EST": 0.95, "FIN": 0.94, "SSD": None}
    # when
    ranks = c.rank(scores, method="dense")
    # then
    assert ranks == {"DNK": 1, "KOR": 2, "EST": 2, "FIN": 3, "SSD": None}


def test_an_unscored_country_is_never_ranked_even_beside_a_zero_score():
    # given: a genuine score of 0 and a missing score
    scores = {"A": 0.5, "B": 0.0, "C": None}
    # when
    ranks = c.rank(scores)
    # then
    assert ranks == {"A": 1, "B": 2, "C": None}


def test_rank_refuses_an_unknown_method_and_a_nan():
    with pytest.raises(ValueError, match="unknown ranking method"):
        c.rank({"A": 1.0}, method="olympic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        c.rank({"A": math.nan})


@given(score_maps)
def test_competition_rank_is_one_plus_the_number_of_better_scores(scores):
    ranks = c.rank(scores)
    present = [v for v in scores.values() if v is not None]
    for key, value in scores.items():
        if value is None:
            assert ranks[key] is None
        else:
            assert ranks[key] == 1 + sum(v > value for v in present)


@given(score_maps)
def test_dense_rank_is_one_plus_the_number_of_better_distinct_scores(scores):
    ranks = c.rank(scores, method="dense")
    distinct = {v for v in scores.values() if v is not None}
    for key, value in scores.items():
        expected = None if value is None else 1 + sum(v > value for v in distinct)
        assert ranks[key] == expected


# --- groups and rating classes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "group"),
    [
        (1.0, "very_high"),
        (0.7500001, "very_high"),
        (0.75, "high"),  # "very high: greater than 0.75"
        (0.50, "high"),
        (0.4999999, "middle"),
        (0.25, "middle"),  # "low: less than 0.25"
        (0.2499999, "low"),
        (0.0, "low"),
        (None, None),
    ],
)
def test_egdi_group_at_and_around_each_boundary(value, group):
    assert c.egdi_group(value) == group


@pytest.mark.parametrize("value", [-0.01, 1.01, math.nan])
def test_egdi_group_refuses_a_value_outside_0_to_1(value):
    with pytest.raises(ValueError, match="EGDI"):
        c.egdi_group(value)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (1.0, "VH"),
        (0.9758, "VH"),
        (0.9375, "VH"),
        (0.9374, "V3"),
        (0.875, "V3"),
        (0.8125, "V2"),
        (0.80, "V1"),
        (0.7500001, "V1"),
        (0.75, "HV"),
        (0.6875, "HV"),
        (0.6874, "H3"),
        (0.5625, "H2"),
        (0.50, "H1"),
        (0.45, "MH"),
        (0.3125, "M2"),
        (0.25, "M1"),
        (0.2, "LM"),
        (0.0625, "L2"),
        (0.0, "L1"),
    ],
)
def test_rating_class_is_the_quarter_of_the_group(value, label):
    assert c.rating_class(value, 2020) == label
    assert c.rating_class(value, 2024) == label


def test_no_rating_class_before_2020_or_without_a_score():
    assert c.rating_class(0.9758, 2018) is None
    assert c.rating_class(None, 2022) is None


# --- aggregates --------------------------------------------------------------------------------


def test_aggregate_over_scored_countries_drops_the_missing():
    # when
    stats = c.aggregate([0.8, None, 0.4, None, 0.6], "scored")
    # then
    assert (stats.count, stats.median, stats.min, stats.max) == (3, 0.6, 0.4, 0.8)
    assert stats.mean == pytest.approx(0.6)
    assert stats.denominator == "scored"


def test_aggregate_over_all_members_counts_the_missing_as_zero():
    # when
    stats = c.aggregate([0.8, None, 0.4, None, 0.6], "all")
    # then
    assert (stats.count, stats.median, stats.min, stats.max) == (5, 0.4, 0.0, 0.8)
    assert stats.mean == pytest.approx(0.36)
    assert stats.denominator == "all"


@pytest.mark.parametrize("denominator", ["scored", "all"])
def test_aggregate_of_nothing_has_no_statistics_but_says_its_denominator(denominator):
    assert c.aggregate([], denominator) == c.Stats(0, None, None, None, None, denominator)


def test_aggregate_of_only_unscored_countries_differs_by_denominator():
    assert c.aggregate([None, None], "scored").count == 0
    assert c.aggregate([None, None], "all") == c.Stats(2, 0.0, 0.0, 0.0, 0.0, "all")


def test_aggregate_refuses_an_unknown_denominator():
    with pytest.raises(ValueError, match="denominator"):
        c.aggregate([0.5], "some")  # type: ignore[arg-type]


def test_aggregate_groups_counts_a_member_without_a_value_as_missing():
    # given: NRU belongs to Oceania but has no value at all
    values = {"AUS": 0.9, "NZL": 0.8, "NRU": None, "KEN": 0.5}
    membership = {
        "AUS": ["world", "Oceania"],
        "NZL": ["world", "Oceania"],
        "NRU": ["world", "Oceania", "SIDS"],
        "KEN": ["world", "Africa"],
        "TUV": ["world", "Oceania", "SIDS"],
    }
    # when
    scored = c.aggregate_groups(values, membership, "scored")
    everyone = c.aggregate_groups(values, membership, "all")
    # then
    assert list(scored) == ["Africa", "Oceania", "SIDS", "world"]
    assert scored["Oceania"].count == 2
    assert scored["Oceania"].mean == pytest.approx(0.85)
    assert everyone["Oceania"].count == 4
    assert everyone["Oceania"].mean == pytest.approx(0.425)
    assert scored["SIDS"] == c.Stats(0, None, None, None, None, "scored")
    assert everyone["world"].count == 5
    assert scored["world"].count == 3


@pytest.mark.parametrize(
    ("year", "denominator"),
    [(2005, "scored"), (2008, "scored"), (2010, "scored"), (2012, "all"), (2024, "all")],
)
def test_default_denominator_follows_the_edition(year, denominator):
    assert c.default_denominator(year) == denominator


def test_an_edition_that_does_not_exist_is_refused_by_name():
    with pytest.raises(ValueError, match="no Survey edition 2019"):
        c.default_denominator(2019)


# --- EGDI ---------------------------------------------------------------------------------------


def test_egdi_is_the_mean_of_its_components():
    assert c.egdi(0.9, 0.6, 0.3) == pytest.approx(0.6)


def test_egdi_of_2008_and_2010_uses_the_weights_the_published_values_follow():
    assert c.egdi(1.0, 0.0, 0.0, year=2010) == pytest.approx(0.34)
    assert c.egdi(0.0, 1.0, 0.0, year=2008) == pytest.approx(0.33)
    assert c.egdi(1.0, 0.0, 0.0, year=2012) == pytest.approx(1 / 3)


def test_egdi_refuses_a_component_outside_0_to_1():
    with pytest.raises(ValueError, match="TII"):
        c.egdi(0.5, 0.5, 1.5)


def test_egdi_deviation_is_the_largest_gap_over_complete_rows():
    # given
    rows = [
        (0.9, 0.6, 0.3, 0.6),  # exact
        (0.3, 0.3, 0.3, 0.31),  # off by 0.01
        (0.5, None, 0.5, 0.9),  # incomplete: ignored
        (0.5, 0.5, 0.5, None),  # unscored: ignored
    ]
    # when / then
    assert c.egdi_deviation(rows) == pytest.approx(0.01)
    assert c.egdi_deviation(rows[2:]) is None
    assert c.egdi_deviation([(1.0, 0.0, 0.0, 0.34)], year=2010) == pytest.approx(0.0)


def test_methodology_report_states_each_editions_gap_and_its_weights():
    # given
    rows: dict[int, list[c.Row]] = {
        2010: [(1.0, 0.0, 0.0, 0.34)],
        2012: [(0.9, 0.6, 0.3, 0.6), (0.5, None, 0.5, 0.5)],
    }
    # when
    lines = c.methodology_report(rows)
    # then
    assert lines == [
        "2010: 1 countries, max |mean(OSI, HCI, TII) - EGDI| = 0.006667; "
        "with the edition's weights 0.34/0.33/0.33: 0.000000",
        "2012: 1 countries, max |mean(OSI, HCI, TII) - EGDI| = 0.000000",
    ]


def test_correlation_uses_only_pairs_with_both_values():
    assert c.correlation([1.0, 2.0, None, 3.0], [2.0, 4.0, 100.0, 6.0]) == pytest.approx(1.0)
    assert c.correlation([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-1.0)
    assert c.correlation([1.0, None], [1.0, 2.0]) is None
    assert c.correlation([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    with pytest.raises(ValueError, match="same length"):
        c.correlation([1.0], [1.0, 2.0])


# --- normalisation --------------------------------------------------------------------------


def test_minmax_and_zscore_by_hand():
    values = {"A": 10.0, "B": 20.0, "C": 40.0, "D": None}
    assert c.minmax(values) == {"A": 0.0, "B": pytest.approx(1 / 3), "C": 1.0, "D": None}
    z = c.zscore(values)
    sd = math.sqrt(((10 - 70 / 3) ** 2 + (20 - 70 / 3) ** 2 + (40 - 70 / 3) ** 2) / 3)
    assert z["A"] == pytest.approx((10 - 70 / 3) / sd)
    assert z["D"] is None


def test_normalising_values_that_do_not_spread_gives_zeros_and_none_stays_none():
    assert c.minmax({"A": 3.0, "B": 3.0, "C": None}) == {"A": 0.0, "B": 0.0, "C": None}
    assert c.zscore({"A": 3.0, "B": 3.0}) == {"A": 0.0, "B": 0.0}
    assert c.minmax({"A": None}) == {"A": None}


@given(value_maps)
def test_minmax_stays_within_0_and_1_and_reaches_both_ends(values):
    result = c.minmax(values)
    present = [v for v in values.values() if v is not None]
    out = [r for k, v in values.items() if v is not None and (r := result[k]) is not None]
    assert len(out) == len(present)
    assert all(0.0 <= v <= 1.0 for v in out)
    if present and max(present) > min(present):
        assert min(out) == 0.0
        assert max(out) == 1.0


@pytest.mark.parametrize("normalise", [c.minmax, c.zscore])
@given(values=value_maps)
def test_normalisation_keeps_the_order_of_the_values(normalise, values):
    result = normalise(values)
    present = [(v, result[k]) for k, v in values.items() if v is not None]
    for a, ra in present:
        for b, rb in present:
            if a < b:
                assert ra <= rb
            if a == b:
                assert ra == rb
    assert [k for k, v in result.items() if v is None] == [
        k for k, v in values.items() if v is None
    ]


@pytest.mark.parametrize("normalise", [c.minmax, c.zscore, c.epi])
@given(values=value_maps, seed=st.integers(0, 2**32 - 1))
def test_normalisation_does_not_depend_on_the_order_of_the_input(normalise, values, seed):
    if normalise is c.epi:
        values = {k: (abs(v) if v is not None else None) for k, v in values.items()}
    items = list(values.items())
    random.Random(seed).shuffle(items)
    assert normalise(dict(items)) == normalise(values)


@given(value_maps)
def test_zscore_has_mean_0_and_standard_deviation_1_when_the_values_spread(values):
    present = [v for v in values.values() if v is not None]
    out = [z for z in c.zscore(values).values() if z is not None]
    if len(set(present)) > 1 and max(present) - min(present) > 1e-3:
        assert math.fsum(out) / len(out) == pytest.approx(0.0, abs=1e-9)
        sd = math.sqrt(math.fsum(z * z for z in out) / len(out))
        assert sd == pytest.approx(1.0, rel=1e-9)


def test_osi_is_minmax_and_epi_is_ratio_to_the_highest():
    raw = {"A": 20.0, "B": 60.0, "C": 80.0, "D": None}
    assert c.osi(raw) == {"A": 0.0, "B": pytest.approx(2 / 3), "C": 1.0, "D": None}
    assert c.epi(raw) == {"A": 0.25, "B": 0.75, "C": 1.0, "D": None}
    assert c.epi({"A": 0.0}) == {"A": 0.0}
    with pytest.raises(ValueError, match="negative"):
        c.osi({"A": -1.0, "B": 2.0})
    with pytest.raises(ValueError, match="negative"):
        c.epi({"A": -1.0})


def test_osi_raw_share_weighs_stages_by_the_features_they_hold():
    # given: 10/10 + 5/10 + 0/5 + 5/25 points
    counts = {"emerging": 10, "enhanced": 5, "transactional": 0, "connected": 5}
    maxima = {"emerging": 10, "enhanced": 10, "transactional": 5, "connected": 25}
    # when / then
    assert c.osi_raw_from_stages(counts, maxima) == pytest.approx(20 / 50)


def test_osi_raw_share_refuses_inconsistent_stage_counts():
    with pytest.raises(ValueError, match="same stages"):
        c.osi_raw_from_stages({"emerging": 1}, {"emerging": 1, "enhanced": 2})
    with pytest.raises(ValueError, match="must lie in"):
        c.osi_raw_from_stages({"emerging": 3}, {"emerging": 2})
    with pytest.raises(ValueError, match="unknown stages"):
        c.osi_raw_from_stages({"mature": 1}, {"mature": 1})


# --- TII and HCI ------------------------------------------------------------------------------

_FOUR = (c.INTERNET_USERS, c.FIXED_BROADBAND, c.ACTIVE_MOBILE_BROADBAND, c.MOBILE_CELLULAR)


def _row(names, *values):
    return dict(zip(names, values, strict=True))


def test_tii_zscores_each_indicator_averages_and_renormalises():
    # given: three countries; B is the mean on every indicator
    data = {
        "A": _row(_FOUR, 10.0, 1.0, 10.0, 50.0),
        "B": _row(_FOUR, 50.0, 11.0, 50.0, 80.0),
        "C": _row(_FOUR, 90.0, 21.0, 90.0, 110.0),
        "D": _row(_FOUR, 90.0, None, 90.0, 110.0),
    }
    # when
    result = c.tii(data, 2022)
    # then
    assert result == {"A": 0.0, "B": pytest.approx(0.5), "C": 1.0, "D": None}


def test_tii_cuts_indicators_off_at_120_from_2020_only():
    # given: A's mobile subscriptions pass the cut-off, B's sit on it
    data = {
        "A": _row(_FOUR, 60.0, 10.0, 60.0, 150.0),
        "B": _row(_FOUR, 60.0, 10.0, 60.0, 120.0),
        "C": _row(_FOUR, 20.0, 2.0, 30.0, 60.0),
    }
    data_2018 = {k: {**v, c.FIXED_TELEPHONE: 10.0} for k, v in data.items()}
    # when
    capped = c.tii(data, 2020)
    uncapped = c.tii(data_2018, 2018)
    # then
    assert capped["A"] == capped["B"] == 1.0
    assert uncapped["A"] == 1.0
    assert uncapped["B"] is not None
    assert uncapped["B"] < 1.0


def test_tii_before_2012_is_a_mean_of_minmax_indices_not_renormalised():
    # given: nobody leads on every indicator
    names = c.EDITIONS[2010].tii_indicators
    data = {
        "A": _row(names, 0.0, 0.0, 0.0, 0.0, 0.0),
        "B": _row(names, 10.0, 10.0, 10.0, 0.0, 0.0),
        "C": _row(names, 0.0, 0.0, 0.0, 10.0, 10.0),
    }
    # when / then
    assert c.tii(data, 2010) == {"A": 0.0, "B": pytest.approx(0.6), "C": pytest.approx(0.4)}
    names_2012 = c.EDITIONS[2012].tii_indicators
    in_2012 = {k: dict(zip(names_2012, v.values(), strict=True)) for k, v in data.items()}
    assert c.tii(in_2012, 2012)["B"] == 1.0


def test_tii_on_a_subset_of_the_editions_indicators():
    # given: only two of the 2012 series
    only = (c.INTERNET_USERS, c.MOBILE_CELLULAR)
    data = {"A": _row(only, 10.0, 20.0), "B": _row(only, 30.0, 70.0), "C": _row(only, 20.0, 45.0)}
    # when / then
    assert c.tii(data, 2012, only=only) == {"A": 0.0, "B": 1.0, "C": pytest.approx(0.5)}
    with pytest.raises(ValueError, match="not in the 2012 TII"):
        c.tii(data, 2012, only=(c.ACTIVE_MOBILE_BROADBAND,))


_telecom = st.one_of(
    st.none(), st.floats(min_value=0, max_value=500, allow_nan=False, allow_infinity=False)
)


@st.composite
def _tii_tables(draw, years=tuple(c.EDITIONS)):
    """An edition and its raw indicator table: some countries lack a series."""
    year = draw(st.sampled_from(years))
    row = st.fixed_dictionaries(dict.fromkeys(c.EDITIONS[year].tii_indicators, _telecom))
    table = draw(st.dictionaries(st.text(min_size=1, max_size=4), row, min_size=1, max_size=25))
    return year, table


@given(_tii_tables())
def test_tii_stays_within_0_and_1_and_is_none_without_every_series(year_and_table):
    # given
    year, table = year_and_table
    # when
    result = c.tii(table, year)
    # then
    assert set(result) == set(table)
    for key, row in table.items():
        value = result[key]
        if None in row.values():
            assert value is None
        else:
            assert value is not None
            assert 0.0 <= value <= 1.0


@given(_tii_tables(years=tuple(y for y in c.EDITIONS if y >= 2012)))
def test_tii_from_2012_spans_exactly_0_to_1_when_the_composites_spread(year_and_table):
    # given
    year, table = year_and_table
    # when
    present = [v for v in c.tii(table, year).values() if v is not None]
    # then: the composite is min-max normalised from 2012 on
    if len(set(present)) > 1:
        assert (min(present), max(present)) == (0.0, 1.0)


@given(_tii_tables(), st.integers(0, 2**32 - 1))
def test_tii_does_not_depend_on_the_order_of_countries_or_of_their_series(year_and_table, seed):
    # given
    year, table = year_and_table
    shuffle = random.Random(seed).shuffle
    countries = list(table.items())
    shuffle(countries)
    reordered = {}
    for key, row in countries:
        series = list(row.items())
        shuffle(series)
        reordered[key] = dict(series)
    # when / then
    assert c.tii(reordered, year) == c.tii(table, year)


@given(st.dictionaries(st.text(min_size=1, max_size=4), _telecom, min_size=1, max_size=30))
def test_epi_stays_within_0_and_1_and_the_highest_is_1(raw):
    # when
    result = c.epi(raw)
    # then
    present = {k: v for k, v in raw.items() if v is not None}
    assert {k for k, v in result.items() if v is None} == set(raw) - set(present)
    out = [result[k] for k in present]
    assert all(v is not None and 0.0 <= v <= 1.0 for v in out)
    if present and max(present.values()) > 0:
        assert max(v for v in out if v is not None) == 1.0


def test_hci_weights_by_edition():
    # given
    parts = {c.ADULT_LITERACY: 0.9, c.GROSS_ENROLMENT: 0.6}
    four = {**parts, c.EXPECTED_SCHOOLING: 0.7, c.MEAN_SCHOOLING: 0.5}
    # when / then: 2/3 * 0.9 + 1/3 * 0.6; 1/3 * 0.9 + 2/9 * (0.6 + 0.7 + 0.5)
    assert c.hci(parts, 2012) == pytest.approx(0.8)
    assert c.hci(four, 2014) == pytest.approx(0.7)
    assert c.hci(parts, 2014) is None
    with pytest.raises(ValueError, match=r"0\.\.1"):
        c.hci({**four, c.MEAN_SCHOOLING: 1.2}, 2022)
    with pytest.raises(ValueError, match="unknown HCI components"):
        c.hci({"literacy": 0.9}, 2022)


def test_hci_index_renormalises_across_countries_from_2012():
    rows = {"A": {c.ADULT_LITERACY: 0.9, c.GROSS_ENROLMENT: 0.6}, "B": {c.ADULT_LITERACY: 0.3}}
    rows["C"] = {c.ADULT_LITERACY: 0.6, c.GROSS_ENROLMENT: 0.3}
    assert c.hci_index(rows, 2010) == {"A": pytest.approx(0.8), "B": None, "C": pytest.approx(0.5)}
    assert c.hci_index(rows, 2012) == {"A": 1.0, "B": None, "C": 0.0}


@pytest.mark.parametrize(
    ("component", "raw", "index"),
    [
        (c.ADULT_LITERACY, 95.0, 0.95),
        (c.GROSS_ENROLMENT, 110.0, 1.0),
        (c.EXPECTED_SCHOOLING, 9.0, 0.5),
        (c.EXPECTED_SCHOOLING, 20.0, 1.0),
        (c.MEAN_SCHOOLING, 7.5, 0.5),
    ],
)
def test_hci_component_index_from_raw_values(component, raw, index):
    assert c.hci_component_index(component, raw) == pytest.approx(index)


# --- editions ---------------------------------------------------------------------------------


def test_every_edition_is_written_down_with_a_source_and_consistent_weights():
    assert list(c.EDITIONS) == [2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    for year, method in c.EDITIONS.items():
        assert method.year == year
        assert "Survey" in method.source
        assert math.fsum(method.egdi_weights) == pytest.approx(1.0)
        assert math.fsum(method.hci_weights.values()) == pytest.approx(1.0)
        assert (method.tii_cap == 120.0) == (year >= 2020)
        assert (c.FIXED_TELEPHONE in method.tii_indicators) == (year <= 2018)
        assert method.rating_classes == (year >= 2020)
    assert len(c.EDITIONS[2005].tii_indicators) == 6
    assert len(c.EDITIONS[2012].tii_indicators) == 5
    assert len(c.EDITIONS[2020].tii_indicators) == 4


# --- self-assessment ------------------------------------------------------------------------

PUBLISHED = {"DNK": 0.9, "KOR": 0.8, "EST": 0.8, "SSD": None, "SOM": 0.1}


def test_self_assessment_from_component_values_ranks_among_the_published():
    # when
    result = c.self_assess(year=2020, published=PUBLISHED, osi=0.8, hci=0.9, tii=0.7)
    # then: 0.8 ties KOR and EST, behind DNK
    assert result.egdi == pytest.approx(0.8)
    assert (result.osi, result.hci, result.tii, result.year) == (0.8, 0.9, 0.7, 2020)
    assert (result.group, result.rating_class) == ("very_high", "V1")
    assert (result.rank, result.out_of) == (2, 5)
    assert result.notes == ()


def test_self_assessment_from_raw_inputs_says_what_it_approximated():
    # given
    stages = {"emerging": 10, "enhanced": 10, "transactional": 5, "connected": 5}
    maxima = {"emerging": 10, "enhanced": 10, "transactional": 10, "connected": 10}
    components = {
        c.ADULT_LITERACY: 0.9,
        c.GROSS_ENROLMENT: 0.9,
        c.EXPECTED_SCHOOLING: 0.9,
        c.MEAN_SCHOOLING: 0.9,
    }
    indicators = _row(_FOUR, 60.0, 12.0, 60.0, 180.0)
    # when
    result = c.self_assess(
        year=2022,
        published=PUBLISHED,
        stage_counts=stages,
        stage_maxima=maxima,
        hci_components=components,
        tii_indicators=indicators,
    )
    # then: OSI 30/40; HCI 0.9; TII (0.5 + 0.1 + 0.5 + 1.0) / 4
    assert result.osi == pytest.approx(0.75)
    assert result.hci == pytest.approx(0.9)
    assert result.tii == pytest.approx(0.525)
    assert result.egdi == pytest.approx(0.725)
    assert (result.group, result.rating_class, result.rank) == ("high", "HV", 4)
    assert [note.split(":")[0] for note in result.notes] == [
        "OSI approximated by the share of points (assumes min raw 0, max all)",
        "HCI not normalised",
        "TII approximated",
    ]


@pytest.mark.parametrize(("year", "noted"), [(2010, False), (2012, True), (2024, True)])
def test_self_assessed_hci_from_components_says_it_is_not_normalised_from_2012(year, noted):
    # given
    components = dict.fromkeys(c.EDITIONS[year].hci_weights, 0.8)
    # when
    result = c.self_assess(
        year=year, published=PUBLISHED, osi=0.5, tii=0.5, hci_components=components
    )
    given = c.self_assess(year=year, published=PUBLISHED, osi=0.5, tii=0.5, hci=0.8)
    # then: the raw composite, and a note that the published HCI is normalised across countries
    assert result.hci == pytest.approx(0.8)
    assert result.notes == (
        (
            f"HCI not normalised: the published {year} HCI is the composite min-max normalised "
            "across countries; this is the raw weighted composite",
        )
        if noted
        else ()
    )
    assert given.notes == ()


def test_self_assessment_with_reference_countries_uses_the_editions_tii():
    # given
    reference = {
        "A": _row(_FOUR, 10.0, 1.0, 10.0, 50.0),
        "C": _row(_FOUR, 90.0, 21.0, 90.0, 110.0),
    }
    mine = _row(_FOUR, 50.0, 11.0, 50.0, 80.0)
    # when
    result = c.self_assess(
        year=2022,
        published=PUBLISHED,
        osi=0.5,
        hci=0.5,
        tii_indicators=mine,
        tii_reference=reference,
    )
    # then
    assert result.tii == pytest.approx(0.5)
    assert result.notes == ("TII standardised against the given reference countries",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"osi": 0.5, "hci": 0.5}, r"insufficient inputs.*TII"),
        ({"osi": 1.5, "hci": 0.5, "tii": 0.5}, r"OSI must lie in 0\.\.1"),
        ({"hci": 0.5, "tii": 0.5, "stage_counts": {"emerging": 1}}, "stage_maxima"),
        ({"osi": 0.5, "tii": 0.5, "hci_components": {c.ADULT_LITERACY: 0.5}}, "HCI needs"),
        ({"osi": 0.5, "hci": 0.5, "tii_indicators": {c.INTERNET_USERS: 50.0}}, "TII needs"),
    ],
)
def test_self_assessment_explains_what_is_missing_or_out_of_range(kwargs, message):
    with pytest.raises(ValueError, match=message):
        c.self_assess(year=2022, published=PUBLISHED, **kwargs)


def test_self_assessment_needs_published_scores_and_a_known_edition():
    with pytest.raises(ValueError, match="nothing to rank against"):
        c.self_assess(year=2022, published={"SSD": None}, osi=0.5, hci=0.5, tii=0.5)
    with pytest.raises(ValueError, match="no Survey edition 2021"):
        c.self_assess(year=2021, published=PUBLISHED, osi=0.5, hci=0.5, tii=0.5)
