"""The analytics page: participation against the matrix, days per step, overdue steps.

Charts are inline SVG built on the server (`charts.py`); each has a data table beside it,
which is the accessible source of the same numbers.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import get_language_bidi, gettext
from django.views.decorators.http import require_GET

from govhub.core.api import anonymous_page_cache, public
from govhub.organisations.api import KINDS
from govhub.programmes import charts
from govhub.programmes.analytics import Cell, OverallAnalytics, overall_analytics
from govhub.programmes.governance import GovernanceModel, current_model


def _kind_names(model: GovernanceModel) -> dict[str, str]:
    """Short names of the kinds (the organisations' own), else the model's names."""
    return {
        **{k.key: gettext(k.name) for k in model.kinds},
        **{str(k.key): str(k.label) for k in KINDS},
    }


def _state(model: GovernanceModel, kind: str, step: int, cell: Cell | None, reached: int) -> str:
    prescribed = model.may_take_part(kind, step)
    if cell is not None:
        return charts.TOOK_PART if prescribed else charts.OUTSIDE
    if not prescribed:
        return charts.OFF
    return charts.NEVER if step <= reached else charts.NOT_REACHED


def _matrix(model: GovernanceModel, data: OverallAnalytics) -> list[charts.HeatRow]:
    """Every kind of the model (and any other kind that contributed), by every step."""
    cells = {(c.kind, c.step): c for c in data.actual}
    names = _kind_names(model)
    kinds = [k.key for k in model.kinds]
    kinds += sorted({c.kind for c in data.actual} - set(kinds))
    rows = []
    for kind in kinds:
        row = []
        for step in model.steps:
            cell = cells.get((kind, step.number))
            row.append(
                charts.HeatCell(
                    state=_state(model, kind, step.number, cell, data.steps_reached),
                    contributions=cell.contributions if cell else 0,
                    organisations=cell.organisations if cell else 0,
                )
            )
        rows.append(charts.HeatRow(label=names.get(kind, kind), cells=row))
    return rows


def _days(value: float | None) -> str:
    return "" if value is None else number_format(value, decimal_pos=1)


def _time_rows(model: GovernanceModel, data: OverallAnalytics) -> list[dict[str, Any]]:
    names = {s.number: gettext(s.name) for s in model.steps}
    return [
        {
            "step": t.step,
            "name": names.get(t.step, ""),
            "programmes": t.programmes,
            "median": _days(t.median_days),
            "mean": _days(t.mean_days),
            "re_entries": t.re_entries,
            "bar": charts.BarRow(
                label=gettext("Step %(number)d") % {"number": t.step},
                median=t.median_days,
                mean=t.mean_days,
                median_text=_days(t.median_days),
                mean_text=_days(t.mean_days),
            ),
        }
        for t in data.time_per_step
    ]


def _never_by_kind(model: GovernanceModel, data: OverallAnalytics) -> list[dict[str, Any]]:
    names = _kind_names(model)
    steps: dict[str, list[int]] = {}
    for item in data.never_took_part:
        steps.setdefault(item.kind, []).append(item.step)
    return [{"name": names.get(k, k), "steps": v} for k, v in steps.items()]


@public
@require_GET
@anonymous_page_cache(seconds=300)
def analytics_overview(request: HttpRequest) -> HttpResponse:
    """Analytics of the programmes the visitor may see, from public contributions only."""
    model = current_model()
    data = overall_analytics(viewer=request.user)
    rtl = get_language_bidi()
    rows = _matrix(model, data)
    time_rows = _time_rows(model, data)
    names = _kind_names(model)
    return render(
        request,
        "programmes/analytics.html",
        {
            "data": data,
            "steps": [{"number": s.number, "name": gettext(s.name)} for s in model.steps],
            "matrix": rows,
            "heatmap": charts.heatmap(
                columns=[str(s.number) for s in model.steps],
                rows=rows,
                rtl=rtl,
                hatch="heat-hatch",
            ),
            "time_rows": time_rows,
            "bars": charts.bars(
                rows=[r["bar"] for r in time_rows],
                rtl=rtl,
                hatch="bar-hatch",
                no_data=gettext("no data"),
            ),
            "outside": [
                {"name": names.get(c.kind, c.kind), "cell": c} for c in data.outside_prescription
            ],
            "never": _never_by_kind(model, data),
        },
    )
