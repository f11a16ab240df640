"""The regions pages of the UN E-Government Survey: every region with its sub-regions, a
region's or sub-region's page (the spread of EGDI groups and the change between two
editions), and the e-participation leaders of the world or of one region.

Built like every indices page on the shared parts of `views` (parameters checked, one
snapshot per page, cached for anonymous visitors by data version, domain errors as 4xx pages).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language_bidi, gettext
from django.views.decorators.http import require_GET

from govhub.core.api import InvalidInput, anonymous_page_cache, public
from govhub.indices import charts, queries, queries_groups
from govhub.indices.labels import (
    INDEX_ABBRS,
    INDEX_NAMES,
    area_name,
    comparison_note,
    country_label,
    denominator_note,
    fixed,
    num,
    signed,
)
from govhub.indices.views import (
    CACHE_SECONDS,
    Area,
    _areas,
    _choice,
    _country_base,
    _domain_errors,
    _edition_options,
    _group_counts,
    _page_key,
    _param,
    _query,
    _region_area,
    _version,
    _year,
    _years,
)

TOPS = (10, 20, 50)


def _area_rows(year: int, by: str, name: str) -> list[queries.Row]:
    """The ranking rows of one region (`by` "region") or sub-region."""
    if by == "region":
        return queries.ranking(year, region=name)
    return queries.ranking(year, subregion=name)


# --- regions --------------------------------------------------------------------------------


@public
@require_GET
@anonymous_page_cache(seconds=CACHE_SECONDS, key=_page_key("year"), version=_version)
@_domain_errors
def regions(request: HttpRequest) -> HttpResponse:
    """Every region with its sub-regions: members, scored countries, mean and median EGDI."""
    years = _years()
    year = _year(request, years)
    areas = _areas(queries.ranking(year))
    by_region = {a.group: a for a in queries_groups.aggregates(year, "region")}
    by_sub = {a.group: a for a in queries_groups.aggregates(year, "subregion")}

    def line(area: Area, stats: queries_groups.AggregateRow, level: str) -> dict[str, Any]:
        return {
            "area": area,
            "level": level,
            "members": stats.members,
            "count": stats.count,
            "mean": num(stats.mean),
            "median": num(stats.median),
        }

    table = []
    for name, subs in areas.items():
        table.append(line(_region_area(name), by_region[name], "region"))
        table += [line(sub, by_sub[sub.name], "subregion") for sub in subs]
    world = queries_groups.aggregates(year, "world")[0]
    return render(
        request,
        "indices/regions.html",
        {
            "nav": "regions",
            "year": year,
            "editions": _edition_options(years, year),
            "table": table,
            "world": {"members": world.members, "count": world.count, "mean": num(world.mean)},
            "denominator_note": denominator_note(year),
        },
    )


def _find_area(
    years: list[int], region_slug: str, subregion_slug: str | None
) -> tuple[Area, Area | None]:
    if not years:
        raise Http404
    areas = _areas(queries.ranking(years[-1]))
    region = next((n for n in areas if slugify(n) == region_slug), None)
    if region is None:
        raise Http404
    if subregion_slug is None:
        return _region_area(region), None
    sub = next((s for s in areas[region] if s.slug == subregion_slug), None)
    if sub is None:
        raise Http404
    return _region_area(region), sub


def _change_rows(
    before: list[queries.Row], after: list[queries.Row], index: str
) -> list[dict[str, Any]]:
    """Per country of the area, highest value in the later edition first: world ranks in
    both editions and the index's change."""
    old = {r.iso3: r for r in before}
    base = _country_base()
    rows = []

    def order(row: queries.Row) -> tuple[bool, float]:
        value = getattr(row, index)
        return (value is None, -(value or 0.0))

    for new in sorted(after, key=order):
        was = old.get(new.iso3)
        value_from = getattr(was, index) if was else None
        value_to = getattr(new, index)
        rank_from = was.rank if was else None
        moved = rank_from - new.rank if rank_from and new.rank else None
        change = value_to - value_from if value_from is not None and value_to is not None else None
        rows.append(
            {
                "country": country_label(new.iso3, new.country),
                "url": f"{base}{new.iso3}/",
                "rank_from": rank_from,
                "rank_to": new.rank,
                "moved": moved,
                "moved_abs": abs(moved) if moved else 0,
                "value_from": num(value_from),
                "value_to": num(value_to),
                "change": signed(change),
                "point": charts.Change(
                    country_label(new.iso3, new.country),
                    value_from,
                    value_to,
                    signed(change) or gettext("no data"),
                ),
            }
        )
    return rows


def _comparison(
    request: HttpRequest, years: list[int], area: Area, by: str
) -> dict[str, Any] | None:
    """The area's change between two editions (default: the two latest); None if only one."""
    if len(years) < 2:
        return None
    year_from = _year(request, years, "from", years[-2])
    year_to = _year(request, years, "to")
    index = _choice(request, "index", queries.INDICES, "egdi")
    if year_from == year_to:
        raise InvalidInput(gettext("Choose two different editions to compare."), code="same_year")
    rows = _change_rows(
        _area_rows(year_from, by, area.name), _area_rows(year_to, by, area.name), index
    )
    groups = queries_groups.compare_groups(year_from, year_to, by=by, index=index)
    group = next(g for g in groups if g.group == area.name)
    ticks = [fixed(t, 2) for t in charts.CHANGE_TICKS]
    return {
        "year_from": year_from,
        "year_to": year_to,
        "from_options": _edition_options(years, year_from),
        "to_options": _edition_options(years, year_to),
        "index": index,
        "index_abbr": str(INDEX_ABBRS[index]),
        "index_name": str(INDEX_NAMES[index]),
        "index_options": [(k, str(INDEX_NAMES[k]), k == index) for k in queries.INDICES],
        "rows": rows,
        "chart": charts.changes(
            [r["point"] for r in rows], rtl=get_language_bidi(), tick_labels=ticks
        ),
        "group": {
            "mean_from": num(group.mean_from),
            "mean_to": num(group.mean_to),
            "count_from": group.count_from,
            "count_to": group.count_to,
            "change": signed(group.change),
            "change_pct": signed(group.change_pct, 1),
            "denominator_note": comparison_note(group.denominator_from, year_from, year_to),
        },
    }


@public
@require_GET
@anonymous_page_cache(
    seconds=CACHE_SECONDS, key=_page_key("year", "from", "to", "index"), version=_version
)
@_domain_errors
def area(request: HttpRequest, region: str, subregion: str | None = None) -> HttpResponse:
    """A region or sub-region: the spread of EGDI groups, and the change between editions."""
    years = _years()
    region_area, sub_area = _find_area(years, region, subregion)
    place = sub_area or region_area
    by = "subregion" if sub_area else "region"
    year = _year(request, years)
    rows = _area_rows(year, by, place.name)
    groups = _group_counts(rows)
    spread = charts.bars(
        [
            charts.Bar(
                label=g["label"],
                value=float(g["count"]),
                text=f"{g['count']} ({g['share']}%)",
                cls=f"ix-gbar g-{g['key']}",
                pattern=f"p-g-{g['key']}",
            )
            for g in groups
        ],
        rtl=get_language_bidi(),
        maximum=float(max(len(rows), 1)),
        label_width=110,
    )
    stats = next(a for a in queries_groups.aggregates(year, by) if a.group == place.name)
    subregions = []
    if sub_area is None:
        by_sub = {a.group: a for a in queries_groups.aggregates(year, "subregion")}
        subregions = [
            {"area": s, "members": by_sub[s.name].members, "mean": num(by_sub[s.name].mean)}
            for s in _areas(queries.ranking(year)).get(region_area.name, [])
        ]
    world = queries_groups.aggregates(year, "world")[0]
    return render(
        request,
        "indices/area.html",
        {
            "nav": "regions",
            "place": place,
            "region": region_area,
            "subregion": sub_area,
            "year": year,
            "editions": _edition_options(years, year),
            "groups": groups,
            "spread": spread,
            "members": stats.members,
            "scored": sum(1 for r in rows if r.egdi is not None),
            "mean": num(stats.mean),
            "world_mean": num(world.mean),
            "denominator_note": denominator_note(year),
            "subregions": subregions,
            "ranking_url": reverse("indices:ranking") + _query(year=year, **{by: place.name}),
            "compare": _comparison(request, years, place, by),
        },
    )


# --- e-participation ------------------------------------------------------------------------


@public
@require_GET
@anonymous_page_cache(
    seconds=CACHE_SECONDS, key=_page_key("year", "region", "top"), version=_version
)
@_domain_errors
def participation(request: HttpRequest) -> HttpResponse:
    """The e-participation leaders of an edition, in the world or in one region."""
    years = _years()
    year = _year(request, years)
    region = _param(request, "region")
    top = int(_choice(request, "top", [str(t) for t in TOPS], str(TOPS[0])))
    leaders = queries_groups.leaders(year, index="epi", top=top, region=region or None)
    areas = _areas(queries.ranking(year))
    region = next((n for n in areas if n.casefold() == region.casefold()), "")
    base = _country_base()
    rows = [
        {
            "position": leader.position,
            "world_position": leader.world_position,
            "country": country_label(leader.iso3, leader.country),
            "url": f"{base}{leader.iso3}/",
            "region": area_name(leader.region),
            "subregion": area_name(leader.subregion),
            "epi": num(leader.value),
        }
        for leader in leaders
    ]
    chart = charts.bars(
        [
            charts.Bar(
                f"{leader.position}. {country_label(leader.iso3, leader.country)}",
                leader.value,
                num(leader.value),
            )
            for leader in leaders
        ],
        rtl=get_language_bidi(),
        maximum=1.0,
    )
    return render(
        request,
        "indices/participation.html",
        {
            "nav": "participation",
            "year": year,
            "editions": _edition_options(years, year),
            "regions": [_region_area(n) for n in areas],
            "region": region,
            "region_label": area_name(region) if region else "",
            "top": top,
            "tops": [(t, t == top) for t in TOPS],
            "rows": rows,
            "chart": chart,
        },
    )
