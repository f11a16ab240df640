"""Geometry of the analytics charts, drawn by the template as inline SVG (no JavaScript).

Pure functions: labels and numbers arrive already translated and formatted; the results are
rectangles and texts in the chart's own units (the SVG's viewBox). Right-to-left pages get a
mirrored chart: the labels on the right, step 1 and the bars' origin on the right. SVG text
inherits the page's direction, so a text anchored at its "start" reads correctly either way.
Styling is by class (site.css): the content security policy forbids inline styles.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from govhub.core.charts import Chart

# Cell states of the participation heat map.
TOOK_PART = "took_part"  # prescribed, and took part
OUTSIDE = "outside"  # took part without being prescribed: should never happen
NEVER = "never"  # prescribed at a step already reached, no public contribution
NOT_REACHED = "not_reached"  # prescribed at a step no programme has reached yet
OFF = "off"  # not prescribed, and no contribution

LABEL_WIDTH = 210
LABEL_CHARS = 24
LINE_HEIGHT = 15
CELL_WIDTH = 52
MIN_ROW_HEIGHT = 52
HEADER_HEIGHT = 30
PAD = 8


@dataclass(frozen=True)
class HeatCell:
    state: str
    contributions: int = 0
    organisations: int = 0


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: list[HeatCell]


def level(contributions: int, highest: int) -> int:
    """Shade 0 (none) to 4 (the most contributions of any cell)."""
    if contributions <= 0 or highest <= 0:
        return 0
    return min(4, -(-4 * contributions // highest))


def heatmap(*, columns: list[str], rows: list[HeatRow], rtl: bool, hatch: str) -> Chart:
    """Kinds (rows) by steps (columns): each cell shows its contributions and, in brackets,
    its organisations; not-prescribed cells are hatched, participation outside the
    prescription is marked "!" with a dashed frame, prescribed kinds that never took part
    show 0, steps not reached yet a dash."""
    wrapped = [textwrap.wrap(row.label, LABEL_CHARS)[:4] or [""] for row in rows]
    heights = [max(MIN_ROW_HEIGHT, len(lines) * LINE_HEIGHT + 14) for lines in wrapped]
    chart = Chart(
        width=LABEL_WIDTH + len(columns) * CELL_WIDTH + 2 * PAD,
        height=HEADER_HEIGHT + sum(heights) + PAD,
        rtl=rtl,
    )
    left = PAD + LABEL_WIDTH
    for i, column in enumerate(columns):
        chart.text(
            left + (i + 0.5) * CELL_WIDTH, HEADER_HEIGHT - 10, column, "chart-head", "middle"
        )
    highest = max((c.contributions for row in rows for c in row.cells), default=0)
    top = float(HEADER_HEIGHT)
    for row, lines, height in zip(rows, wrapped, heights, strict=True):
        first = top + (height - len(lines) * LINE_HEIGHT) / 2 + LINE_HEIGHT - 3
        for n, line in enumerate(lines):
            chart.text(PAD, first + n * LINE_HEIGHT, line, "chart-label")
        for i, cell in enumerate(row.cells):
            _heat_cell(chart, left + i * CELL_WIDTH, top, height, cell, highest, hatch)
        top += height
    return chart


def _heat_cell(
    chart: Chart, x: float, y: float, h: float, cell: HeatCell, highest: int, hatch: str
) -> None:
    middle = x + CELL_WIDTH / 2
    centre = y + h / 2
    if cell.state in (OFF, OUTSIDE):
        chart.rect(x, y, CELL_WIDTH, h, "heat-cell heat-off", pattern=hatch)
    else:
        shade = level(cell.contributions, highest)
        chart.rect(x, y, CELL_WIDTH, h, f"heat-cell heat-{shade}")
    if cell.state == OUTSIDE:
        chart.rect(x + 5, centre - 17, CELL_WIDTH - 10, 34, "heat-0")
        chart.rect(x + 2, y + 2, CELL_WIDTH - 4, h - 4, "heat-outside")
    if cell.state in (TOOK_PART, OUTSIDE):
        ink = (
            "heat-ink-light"
            if cell.state == TOOK_PART and level(cell.contributions, highest) >= 3
            else "heat-ink"
        )
        mark = "!" if cell.state == OUTSIDE else ""
        chart.text(middle, centre + 1, f"{mark}{cell.contributions}", f"{ink} chart-num", "middle")
        chart.text(middle, centre + 14, f"({cell.organisations})", f"{ink} chart-sub", "middle")
    elif cell.state == NEVER:
        chart.text(middle, centre + 5, "0", "heat-ink chart-num", "middle")
    elif cell.state == NOT_REACHED:
        chart.text(middle, centre + 5, "\u2013", "heat-ink chart-num", "middle")


@dataclass(frozen=True)
class BarRow:
    label: str
    median: float | None
    mean: float | None
    median_text: str
    mean_text: str


BAR_LABEL_WIDTH = 110
BAR_PLOT_WIDTH = 440
BAR_VALUE_WIDTH = 70
BAR_HEIGHT = 13
BAR_ROW_HEIGHT = 40


def bars(*, rows: list[BarRow], rtl: bool, hatch: str, no_data: str) -> Chart:
    """Per step, two horizontal bars: the median days (solid) and the mean days (hatched),
    each with its number at its end; a step without data says so."""
    chart = Chart(
        width=2 * PAD + BAR_LABEL_WIDTH + BAR_PLOT_WIDTH + BAR_VALUE_WIDTH,
        height=len(rows) * BAR_ROW_HEIGHT + 2 * PAD,
        rtl=rtl,
    )
    highest = max((v for r in rows for v in (r.median, r.mean) if v), default=0.0)
    origin = PAD + BAR_LABEL_WIDTH
    for i, row in enumerate(rows):
        y = PAD + i * BAR_ROW_HEIGHT
        chart.text(PAD, y + BAR_ROW_HEIGHT / 2 + 4, row.label, "chart-label")
        chart.rect(origin - 1, y + 2, 1, BAR_ROW_HEIGHT - 4, "bar-axis")
        if row.median is None or row.mean is None:
            chart.text(origin + 6, y + BAR_ROW_HEIGHT / 2 + 4, no_data, "chart-sub heat-ink")
            continue
        for n, (value, text, cls) in enumerate(
            ((row.median, row.median_text, "bar-median"), (row.mean, row.mean_text, "bar-mean"))
        ):
            length = BAR_PLOT_WIDTH * value / highest if highest else 0.0
            top = y + 5 + n * (BAR_HEIGHT + 3)
            chart.rect(origin, top, max(length, 1.0), BAR_HEIGHT, cls, hatch if n else "")
            chart.text(origin + length + 5, top + BAR_HEIGHT - 2, text, "chart-sub heat-ink")
    return chart
