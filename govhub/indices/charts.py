"""Geometry of the indices charts, drawn by the templates as inline SVG (no JavaScript).

Pure functions, no Django: labels and numbers arrive already translated and formatted; the
results are rectangles, lines, dots and texts in the chart's own units (the SVG's viewBox).
Right-to-left pages get a mirrored chart: labels on the right, bars growing leftwards and the
time axis running from right to left. SVG text inherits the page's direction, so a text
anchored at its "start" reads correctly either way. Styling is by class (site.css): the
content security policy forbids inline styles. No chart relies on colour alone: every bar,
point and change carries its number as text, and the page gives the same numbers as a table.

The shapes and the mirroring `Chart` are core's (`govhub/core/charts.py`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from govhub.core.charts import Chart

PAD = 8
LINE_HEIGHT = 15


def wrap(label: str, chars: int, lines: int = 2) -> list[str]:
    """A label cut into at most `lines` lines of about `chars` characters (ellipsis if cut)."""
    parts = textwrap.wrap(label, chars) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: max(1, chars - 1)].rstrip() + "\u2026"
    return parts


def _labelled_rows(
    chart: Chart, labels: Sequence[list[str]], top: float, min_height: float
) -> list[tuple[float, float]]:
    """Write each row's label lines at the start side; returns each row's (top, height)."""
    rows = []
    for lines in labels:
        height = max(min_height, len(lines) * LINE_HEIGHT + 8)
        first = top + (height - len(lines) * LINE_HEIGHT) / 2 + LINE_HEIGHT - 3
        for n, line in enumerate(lines):
            chart.text(PAD, first + n * LINE_HEIGHT, line, "chart-label")
        rows.append((top, height))
        top += height
    return rows


def _row_heights(labels: Sequence[list[str]], min_height: float) -> float:
    return sum(max(min_height, len(lines) * LINE_HEIGHT + 8) for lines in labels)


# --- horizontal bars ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One labelled bar; `value` None draws no bar, only `text` (e.g. "no data")."""

    label: str
    value: float | None
    text: str
    cls: str = "ix-bar"
    pattern: str = ""


BAR_LABEL_WIDTH = 200
BAR_LABEL_CHARS = 26
BAR_PLOT_WIDTH = 380
BAR_VALUE_WIDTH = 90
BAR_HEIGHT = 16
BAR_ROW_HEIGHT = 28


def bars(
    rows: Sequence[Bar],
    *,
    rtl: bool,
    maximum: float | None = None,
    label_width: float = BAR_LABEL_WIDTH,
) -> Chart:
    """One horizontal bar per row from a common origin, its text just past its end.

    Lengths are proportional to `maximum` (by default the largest value); a row without a
    value shows its text at the origin.
    """
    chars = max(8, int(label_width / 7.6))
    labels = [wrap(r.label, chars) for r in rows]
    chart = Chart(
        width=2 * PAD + label_width + BAR_PLOT_WIDTH + BAR_VALUE_WIDTH,
        height=_row_heights(labels, BAR_ROW_HEIGHT) + 2 * PAD,
        rtl=rtl,
    )
    highest = maximum if maximum is not None else max((r.value or 0.0 for r in rows), default=0)
    origin = PAD + label_width
    places = _labelled_rows(chart, labels, PAD, BAR_ROW_HEIGHT)
    for row, (top, height) in zip(rows, places, strict=True):
        chart.rect(origin - 1, top + 2, 1, height - 4, "ix-axis")
        middle = top + height / 2
        if row.value is None:
            chart.text(origin + 6, middle + 4, row.text, "chart-sub ix-ink")
            continue
        length = BAR_PLOT_WIDTH * row.value / highest if highest > 0 else 0.0
        length = min(max(length, 0.0), BAR_PLOT_WIDTH)
        if length > 0:
            top = middle - BAR_HEIGHT / 2
            chart.rect(origin, top, max(length, 1.0), BAR_HEIGHT, row.cls, row.pattern)
        chart.text(origin + length + 5, middle + 4, row.text, "chart-sub ix-ink")
    return chart


# --- rank history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RankPoint:
    """One edition of a country: `rank` None is unranked (drawn as a gap with `text`)."""

    label: str  # the edition, e.g. "2024"
    rank: int | None
    text: str  # the rank as shown, or "unranked"


RANK_AXIS_WIDTH = 44
RANK_COLUMN_WIDTH = 64
RANK_PLOT_HEIGHT = 220
RANK_TOP = 26
RANK_BOTTOM = 40


def rank_ticks(lowest: int) -> list[int]:
    """Ranks marked on the axis: 1, every 50th, and the lowest possible rank."""
    ticks = [1, *range(50, lowest, 50)]
    if lowest - ticks[-1] >= 20:
        ticks.append(lowest)
    return ticks


def rank_y(rank: int, lowest: int) -> float:
    """Rank 1 at the top of the plot, `lowest` at its bottom."""
    span = max(lowest - 1, 1)
    return RANK_TOP + RANK_PLOT_HEIGHT * (min(max(rank, 1), lowest) - 1) / span


def rank_history(points: Sequence[RankPoint], *, rtl: bool, lowest: int) -> Chart:
    """Rank by edition: a point per ranked edition with its rank written beside it, joined
    to the next ranked edition; an unranked edition breaks the line and says so. The time
    axis runs in the page's reading direction (mirrored on RTL pages)."""
    chart = Chart(
        width=2 * PAD + RANK_AXIS_WIDTH + len(points) * RANK_COLUMN_WIDTH,
        height=RANK_TOP + RANK_PLOT_HEIGHT + RANK_BOTTOM,
        rtl=rtl,
    )
    left = PAD + RANK_AXIS_WIDTH
    right = left + len(points) * RANK_COLUMN_WIDTH
    for tick in rank_ticks(lowest):
        y = rank_y(tick, lowest)
        chart.line(left, y, right, y, "ix-grid")
        chart.text(left - 6, y + 4, str(tick), "chart-sub ix-ink", "end")
    previous: tuple[float, float] | None = None
    bottom = RANK_TOP + RANK_PLOT_HEIGHT
    for i, point in enumerate(points):
        x = left + (i + 0.5) * RANK_COLUMN_WIDTH
        chart.text(x, bottom + 22, point.label, "chart-label", "middle")
        if point.rank is None:
            chart.text(x, bottom - 6, point.text, "chart-sub ix-ink ix-unranked", "middle")
            previous = None
            continue
        y = rank_y(point.rank, lowest)
        if previous is not None:
            chart.line(previous[0], previous[1], x, y, "ix-trend")
        previous = (x, y)
    # Points and their labels after the lines, so they are painted above them.
    for i, point in enumerate(points):
        if point.rank is None:
            continue
        x = left + (i + 0.5) * RANK_COLUMN_WIDTH
        y = rank_y(point.rank, lowest)
        chart.dot(x, y, 4.5, "ix-point")
        chart.text(x, y - 9, point.text, "chart-num ix-ink", "middle")  # RANK_TOP leaves room
    return chart


# --- change between two editions ----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A value in two editions; either may be None. `text` is the change as shown."""

    label: str
    before: float | None
    after: float | None
    text: str


CHANGE_LABEL_WIDTH = 190
CHANGE_PLOT_WIDTH = 400
CHANGE_VALUE_WIDTH = 80
CHANGE_ROW_HEIGHT = 24
CHANGE_HEAD = 26
CHANGE_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


def change_x(value: float, low: float = 0.0, high: float = 1.0) -> float:
    """Where a value sits on the change plot (clipped to the plot)."""
    share = (min(max(value, low), high) - low) / (high - low)
    return PAD + CHANGE_LABEL_WIDTH + CHANGE_PLOT_WIDTH * share


def changes(rows: Sequence[Change], *, rtl: bool, tick_labels: Sequence[str]) -> Chart:
    """Per row, a ring at the earlier value and a square at the later one, joined by a line,
    on a 0-1 scale (the index's range; the ticks are the EGDI group boundaries), with the
    change written at the end of the row. A row missing either value shows `text` alone."""
    chars = max(8, int(CHANGE_LABEL_WIDTH / 7.6))
    labels = [wrap(r.label, chars, lines=1) for r in rows]
    chart = Chart(
        width=2 * PAD + CHANGE_LABEL_WIDTH + CHANGE_PLOT_WIDTH + CHANGE_VALUE_WIDTH,
        height=CHANGE_HEAD + _row_heights(labels, CHANGE_ROW_HEIGHT) + PAD,
        rtl=rtl,
    )
    bottom = chart.height - PAD
    for tick, text in zip(CHANGE_TICKS, tick_labels, strict=True):
        x = change_x(tick)
        chart.line(x, CHANGE_HEAD - 4, x, bottom, "ix-grid")
        chart.text(x, CHANGE_HEAD - 10, text, "chart-sub ix-ink", "middle")
    places = _labelled_rows(chart, labels, CHANGE_HEAD, CHANGE_ROW_HEIGHT)
    end = PAD + CHANGE_LABEL_WIDTH + CHANGE_PLOT_WIDTH + 8
    for row, (top, height) in zip(rows, places, strict=True):
        y = top + height / 2
        if row.before is not None and row.after is not None:
            chart.line(change_x(row.before), y, change_x(row.after), y, "ix-change")
        if row.before is not None:
            chart.dot(change_x(row.before), y, 4.5, "ix-from")
        if row.after is not None:
            side = 8.0
            chart.rect(change_x(row.after) - side / 2, y - side / 2, side, side, "ix-to")
        chart.text(end, y + 4, row.text, "chart-sub ix-ink")
    return chart
