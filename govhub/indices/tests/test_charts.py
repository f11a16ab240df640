"""The indices chart geometry: pure functions, no Django, no database."""

from __future__ import annotations

from govhub.core.charts import Chart
from govhub.indices import charts
from govhub.indices.charts import Bar, Change, RankPoint


def test_shapes_are_mirrored_on_right_to_left_pages():
    # given
    ltr, rtl = Chart(100, 50, rtl=False), Chart(100, 50, rtl=True)
    # when
    for chart in (ltr, rtl):
        chart.rect(10, 5, 20, 4, "r")
        chart.text(10, 5, "t")
        chart.line(10, 1, 30, 2, "l")
        chart.dot(10, 5, 3, "d")
    # then
    assert (ltr.rects[0].x, rtl.rects[0].x) == (10, 70)
    assert (ltr.texts[0].x, rtl.texts[0].x) == (10, 90)
    assert (rtl.lines[0].x1, rtl.lines[0].x2, rtl.lines[0].y2) == (90, 70, 2)
    assert (ltr.dots[0].cx, rtl.dots[0].cx) == (10, 90)
    assert rtl.texts[0].anchor == "start"  # the SVG's own direction turns "start" right


def test_wrap_cuts_long_labels_with_an_ellipsis():
    assert charts.wrap("Denmark", 20) == ["Denmark"]
    assert charts.wrap("United Kingdom of Great Britain and Northern Ireland", 20) == [
        "United Kingdom of",
        "Great Britain and\u2026",
    ]
    assert charts.wrap("", 20) == [""]


def test_bars_are_proportional_and_carry_their_numbers():
    # when
    chart = charts.bars(
        [Bar("very high", 10.0, "10 (50%)"), Bar("high", 5.0, "5 (25%)"), Bar("none", None, "-")],
        rtl=False,
        maximum=20.0,
    )
    # then: the axis of each row, then its bar (none for the row without a value)
    bars = [r for r in chart.rects if r.cls == "ix-bar"]
    assert [b.w for b in bars] == [charts.BAR_PLOT_WIDTH / 2, charts.BAR_PLOT_WIDTH / 4]
    origin = charts.PAD + charts.BAR_LABEL_WIDTH
    assert {b.x for b in bars} == {origin}
    texts = [t.text for t in chart.texts]
    assert texts == ["very high", "high", "none", "10 (50%)", "5 (25%)", "-"]  # labels first
    # and each number sits just past the end of its bar
    assert chart.texts[3].x == origin + charts.BAR_PLOT_WIDTH / 2 + 5


def test_bars_grow_from_the_right_on_rtl_pages():
    # when
    chart = charts.bars([Bar("a", 1.0, "1", pattern="p-g-high")], rtl=True, maximum=1.0)
    # then: the full-length bar ends where the plot starts from the right
    bar = next(r for r in chart.rects if r.cls == "ix-bar")
    right = chart.width - charts.PAD - charts.BAR_LABEL_WIDTH
    assert (bar.x + bar.w, bar.w, bar.pattern) == (right, charts.BAR_PLOT_WIDTH, "p-g-high")
    assert chart.texts[0].x == chart.width - charts.PAD  # the label on the right


def test_a_zero_or_missing_maximum_draws_no_bar_but_keeps_the_text():
    chart = charts.bars([Bar("a", 0.0, "0")], rtl=False)
    assert [r.cls for r in chart.rects] == ["ix-axis"]
    assert [t.text for t in chart.texts] == ["a", "0"]


def test_rank_ticks_and_scale_put_rank_one_on_top():
    assert charts.rank_ticks(193) == [1, 50, 100, 150, 193]
    assert charts.rank_ticks(160) == [1, 50, 100, 150]  # 160 too close to 150 to label
    assert charts.rank_y(1, 193) == charts.RANK_TOP
    assert charts.rank_y(193, 193) == charts.RANK_TOP + charts.RANK_PLOT_HEIGHT
    assert charts.rank_y(0, 193) == charts.RANK_TOP  # clipped
    assert charts.rank_y(1, 1) == charts.RANK_TOP  # no division by zero


def test_rank_history_breaks_the_line_at_an_unranked_edition():
    # given
    points = [
        RankPoint("2008", None, "unranked"),
        RankPoint("2010", 175, "175"),
        RankPoint("2012", 185, "185"),
        RankPoint("2014", None, "unranked"),
        RankPoint("2016", 2, "2"),
    ]
    # when
    chart = charts.rank_history(points, rtl=False, lowest=193)
    # then: a point per ranked edition, one segment (2010-2012), labels for all
    assert len(chart.dots) == 3
    trend = [line for line in chart.lines if line.cls == "ix-trend"]
    assert len(trend) == 1
    assert trend[0].y1 < trend[0].y2  # 175 is above 185
    texts = [t.text for t in chart.texts]
    assert texts.count("unranked") == 2
    assert {"175", "185", "2", "2008", "2016"} <= set(texts)
    # and even rank 1's label, above its point, stays inside the chart
    two = next(t for t in chart.texts if t.text == "2")
    assert 0 < two.y < chart.dots[-1].cy
    assert charts.rank_y(1, 193) - 9 > 12


def test_rank_history_runs_right_to_left_on_rtl_pages():
    points = [RankPoint("2005", 10, "10"), RankPoint("2024", 1, "1")]
    ltr = charts.rank_history(points, rtl=False, lowest=193)
    rtl = charts.rank_history(points, rtl=True, lowest=193)
    assert ltr.dots[0].cx < ltr.dots[1].cx
    assert rtl.dots[0].cx > rtl.dots[1].cx
    assert rtl.dots[0].cx == rtl.width - ltr.dots[0].cx
    assert [d.cy for d in ltr.dots] == [d.cy for d in rtl.dots]


def test_changes_mark_both_editions_and_write_the_change():
    # when
    chart = charts.changes(
        [Change("Alpha", 0.25, 0.75, "+0.5000"), Change("Beta", None, 0.5, "no data")],
        rtl=False,
        tick_labels=["0", "0.25", "0.5", "0.75", "1"],
    )
    # then: a ring at the earlier value and a square centred on the later one
    assert [d.cx for d in chart.dots] == [charts.change_x(0.25)]
    squares = [r for r in chart.rects if r.cls == "ix-to"]
    assert [s.x + s.w / 2 for s in squares] == [charts.change_x(0.75), charts.change_x(0.5)]
    changes = [line for line in chart.lines if line.cls == "ix-change"]
    assert [(c.x1, c.x2) for c in changes] == [(charts.change_x(0.25), charts.change_x(0.75))]
    texts = [t.text for t in chart.texts]
    assert texts[:5] == ["0", "0.25", "0.5", "0.75", "1"]
    assert texts[5:] == ["Alpha", "Beta", "+0.5000", "no data"]
    assert charts.change_x(1.0) - charts.change_x(0.0) == charts.CHANGE_PLOT_WIDTH


def test_changes_are_mirrored_on_rtl_pages():
    rows = [Change("Alpha", 0.2, 0.8, "+0.6000")]
    ltr = charts.changes(rows, rtl=False, tick_labels=["a", "b", "c", "d", "e"])
    rtl = charts.changes(rows, rtl=True, tick_labels=["a", "b", "c", "d", "e"])
    assert rtl.dots[0].cx == rtl.width - ltr.dots[0].cx
    assert rtl.dots[0].cx > next(r.x for r in rtl.rects if r.cls == "ix-to")
