"""The country profile page of the UN E-Government Survey: a Member State's classifications,
every edition, its rank history and its components against the world mean.

Built like every indices page on the shared parts of `views` (parameters checked, one
snapshot per page, cached for anonymous visitors by data version, domain errors as 4xx pages).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language_bidi, gettext
from django.views.decorators.http import require_GET

from govhub.core.api import anonymous_page_cache, public
from govhub.core.charts import Chart
from govhub.indices import charts, queries, queries_groups
from govhub.indices.labels import (
    INCOME_NAMES,
    INDEX_ABBRS,
    INDEX_NAMES,
    area_name,
    country_label,
    num,
)
from govhub.indices.views import (
    CACHE_SECONDS,
    Area,
    _country_base,
    _domain_errors,
    _region_area,
    _table_row,
    _version,
)


def _flags(info: queries.CountryInfo) -> list[tuple[str, str]]:
    yes, no = gettext("yes"), gettext("no")
    return [
        (gettext("Least developed country (LDC)"), yes if info.ldc else no),
        (gettext("Landlocked developing country (LLDC)"), yes if info.lldc else no),
        (gettext("Small island developing state (SIDS)"), yes if info.sids else no),
    ]


def _components(row: queries.Row) -> tuple[Chart, list[dict[str, str]]]:
    """The latest edition's indices as bars (0 to 1) and as table rows with the world mean."""
    bars, table = [], []
    for index in queries.INDICES:
        value: float | None = getattr(row, index)
        mean = queries_groups.aggregates(row.year, "world", index=index)[0].mean
        text = num(value) or gettext("no data")
        bars.append(charts.Bar(label=str(INDEX_NAMES[index]), value=value, text=text))
        table.append(
            {
                "abbr": str(INDEX_ABBRS[index]),
                "name": str(INDEX_NAMES[index]),
                "value": num(value),
                "mean": num(mean),
            }
        )
    chart = charts.bars(bars, rtl=get_language_bidi(), maximum=1.0, label_width=250)
    return chart, table


@public
@require_GET
@anonymous_page_cache(seconds=CACHE_SECONDS, version=_version)
@_domain_errors
def country(request: HttpRequest, iso3: str) -> HttpResponse:
    """A Member State's classifications, every edition, its rank history and components."""
    if len(iso3) != 3 or not iso3.isascii() or not iso3.isalpha():
        raise Http404
    if iso3 != iso3.upper():
        return HttpResponseRedirect(reverse("indices:country", args=[iso3.upper()]))
    profile = queries.country_profile(iso3)
    info = profile.country
    base = _country_base()
    editions = [_table_row(r, base) for r in profile.editions]
    latest = profile.editions[-1] if profile.editions else None
    lowest = max((e.members for e in queries.editions()), default=1)
    unranked = gettext("unranked")
    history = charts.rank_history(
        [
            charts.RankPoint(str(r.year), r.rank, str(r.rank) if r.rank else unranked)
            for r in profile.editions
        ],
        rtl=get_language_bidi(),
        lowest=lowest,
    )
    components, component_rows = _components(latest) if latest else (None, [])
    region = _region_area(info.region)
    return render(
        request,
        "indices/country.html",
        {
            "nav": "",
            "info": info,
            "name": country_label(info.iso3, info.name),
            "region": region,
            "subregion": Area(
                info.subregion,
                area_name(info.subregion),
                slugify(info.subregion),
                reverse("indices:subregion", args=[region.slug, slugify(info.subregion)]),
                info.region,
                area_name(info.region),
            ),
            "income": str(INCOME_NAMES.get(info.income or "", info.income or "")),
            "flags": _flags(info),
            "editions": editions,
            "latest": _table_row(latest, base) if latest else None,
            "members": lowest,
            "history": history,
            "components": components,
            "component_rows": component_rows,
        },
    )
