"""The UN E-Government Survey pages: world map, ranking, country profiles, regions and
sub-regions with the comparison between two editions, e-participation leaders.

Views parse and check their parameters, call `queries`, and hand the templates plain,
already formatted values (numbers with 4 decimals in the page's locale, labels translated
at rendering time: `labels.py`). Each page reads one snapshot (`queries.one_version()`).
Charts are inline SVG (`charts.py`, `geometry.py`), each with a table of the same numbers.
Every page is cached for anonymous visitors, keyed by its parameters and versioned by
`queries.data_version()`; a bad parameter gives a 404 or 400 page, never a 500 (only 200
responses are cached, so invalid parameters cannot fill the cache).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language_bidi, gettext
from django.views.decorators.http import require_GET

from govhub.core.api import (
    DomainError,
    InvalidInput,
    NotFound,
    anonymous_page_cache,
    error_response,
    public,
)
from govhub.core.charts import Chart
from govhub.indices import charts, geometry, queries
from govhub.indices.labels import (
    GROUP_LABELS,
    GROUP_RANGES,
    GROUPS,
    INCOME_NAMES,
    INDEX_ABBRS,
    INDEX_NAMES,
    NONE,
    area_name,
    comparison_note,
    denominator_note,
    fixed,
    num,
    signed,
)

CACHE_SECONDS = 600
SORTS = ("rank", "name", *queries.INDICES)
TOPS = (10, 20, 50)


def _query(**params: Any) -> str:
    """A query string of the non-empty parameters, with its "?" (or "" if none)."""
    items = [(k, v) for k, v in params.items() if v not in (None, "")]
    return f"?{urlencode(items)}" if items else ""


def _country_base() -> str:
    """The country profile URL without its code ("/indices/countries/"), resolved once."""
    return reverse("indices:country", args=["XXX"])[: -len("XXX/")]


# --- parameters -----------------------------------------------------------------------------


def _param(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()[:80]


def _page_key(*names: str) -> Callable[[HttpRequest], str]:
    """The cache key: the path and the named parameters, nothing else from the URL.

    Only 200 responses are cached and every named parameter is either valid or answered
    with an error, so the key space is bounded by the valid values.
    """

    def key(request: HttpRequest) -> str:
        return "|".join([request.path, *(_param(request, n).casefold() for n in names)])

    return key


def _version(request: HttpRequest) -> str:
    return queries.data_version()


def _domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A domain error (unknown edition, region, ...) becomes its 4xx page with the message."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with queries.one_version():  # the page's reads share one snapshot and one query
                return view(request, *args, **kwargs)
        except DomainError as exc:
            return error_response(request, status=exc.status, code=exc.code, message=exc.message)

    return wrapped


def _years() -> list[int]:
    return [e.year for e in queries.editions()]


def _year(request: HttpRequest, years: list[int], name: str = "year", default: int = 0) -> int:
    """An edition from the query string (default: the latest); NotFound if there is none."""
    raw = _param(request, name)
    if not years:
        raise NotFound(gettext("No edition of the Survey has been imported yet."), code="no_data")
    if not raw:
        return default or years[-1]
    if not raw.isdigit() or int(raw) not in years:
        raise NotFound(
            gettext("No edition %(year)s of the Survey; editions: %(known)s.")
            % {"year": raw, "known": ", ".join(str(y) for y in years)},
            code="edition_not_found",
        )
    return int(raw)


def _choice(request: HttpRequest, name: str, allowed: Iterable[str], default: str) -> str:
    raw = _param(request, name).lower() or default
    allowed = tuple(allowed)
    if raw not in allowed:
        raise InvalidInput(
            gettext("Unknown value %(value)r for %(name)s; use one of: %(allowed)s.")
            % {"value": raw, "name": name, "allowed": ", ".join(allowed)},
            code=f"invalid_{name}",
        )
    return raw


# --- areas ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    name: str  # as in the data (English)
    label: str  # in the page's language
    slug: str
    url: str
    region: str = ""  # a sub-region's region, as in the data
    region_label: str = ""  # and in the page's language


def _areas(rows: Iterable[queries.Row]) -> dict[str, list[Area]]:
    """Each region (sorted) with its sub-regions (sorted), with their page URLs."""
    subs: dict[str, set[str]] = {}
    for row in rows:
        subs.setdefault(row.region, set()).add(row.subregion)
    result: dict[str, list[Area]] = {}
    for region in sorted(subs):
        slug = slugify(region)
        result[region] = [
            Area(
                sub,
                area_name(sub),
                slugify(sub),
                reverse("indices:subregion", args=[slug, slugify(sub)]),
                region,
                area_name(region),
            )
            for sub in sorted(subs[region])
        ]
    return result


def _area_rows(year: int, by: str, name: str) -> list[queries.Row]:
    """The ranking rows of one region (`by` "region") or sub-region."""
    if by == "region":
        return queries.ranking(year, region=name)
    return queries.ranking(year, subregion=name)


def _region_area(name: str) -> Area:
    slug = slugify(name)
    return Area(name, area_name(name), slug, reverse("indices:region", args=[slug]))


# --- shared page parts ----------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One country in one edition, formatted for a table."""

    year: int
    iso3: str
    country: str
    url: str
    region: str
    subregion: str
    rank: int | None
    egdi: str
    osi: str
    hci: str
    tii: str
    epi: str
    group: str
    group_label: str
    rating_class: str

    @property
    def values(self) -> tuple[str, str, str, str, str]:
        """The five indices in table order (EGDI, OSI, HCI, TII, EPI)."""
        return (self.egdi, self.osi, self.hci, self.tii, self.epi)


def _table_row(row: queries.Row, base: str) -> TableRow:
    group = row.group or NONE
    return TableRow(
        year=row.year,
        iso3=row.iso3,
        country=row.country,
        url=f"{base}{row.iso3}/",
        region=area_name(row.region),
        subregion=area_name(row.subregion),
        rank=row.rank,
        egdi=num(row.egdi),
        osi=num(row.osi),
        hci=num(row.hci),
        tii=num(row.tii),
        epi=num(row.epi),
        group=group,
        group_label=str(GROUP_LABELS[group]),
        rating_class=row.rating_class or "",
    )


def _group_counts(rows: Iterable[queries.Row]) -> list[dict[str, Any]]:
    """Each EGDI group (and "no data") with its label, range and the countries in it."""
    members: dict[str, list[queries.Row]] = {g: [] for g in (*GROUPS, NONE)}
    for row in rows:
        members[row.group or NONE].append(row)
    base = _country_base()
    total = sum(len(v) for v in members.values())
    return [
        {
            "key": key,
            "label": str(GROUP_LABELS[key]),
            "range": str(GROUP_RANGES[key]),
            "count": len(found),
            "share": round(100 * len(found) / total) if total else 0,
            "countries": [
                (r.country, f"{base}{r.iso3}/") for r in sorted(found, key=lambda r: r.country)
            ],
        }
        for key, found in members.items()
    ]


def _edition_options(years: list[int], chosen: int) -> list[tuple[int, bool]]:
    return [(y, y == chosen) for y in reversed(years)]


# --- the map --------------------------------------------------------------------------------


def _map_label(row: queries.Row) -> str:
    if row.egdi is None or row.group is None:
        return gettext("%(country)s: no data") % {"country": row.country}
    return gettext("%(country)s: EGDI %(egdi)s, %(group)s") % {
        "country": row.country,
        "egdi": num(row.egdi),
        "group": GROUP_LABELS[row.group],
    }


def _map_context(rows: list[queries.Row]) -> dict[str, Any]:
    world = geometry.load_world()
    entries = {
        r.iso3: geometry.MapEntry(group=r.group, label=_map_label(r))
        for r in rows
        if r.iso3 in world.iso3s
    }
    shapes = geometry.render_map(entries, world=world)
    return {
        "view_box": world.view_box,
        "shapes": shapes,
        "leaders": [s for s in shapes if s.anchor is not None],
        "other": list(world.other.values()),
        "country_base": _country_base(),
        "missing": [r for r in rows if r.iso3 not in world.iso3s],
    }


@public
@require_GET
@anonymous_page_cache(seconds=CACHE_SECONDS, key=_page_key("year"), version=_version)
@_domain_errors
def world_map(request: HttpRequest) -> HttpResponse:
    """The world map of an edition coloured by EGDI group, with its legend and group lists."""
    years = _years()
    if not years:
        return render(request, "indices/map.html", {"empty": True, "nav": "map"})
    year = _year(request, years)
    rows = queries.ranking(year)
    world_mean = queries.aggregates(year, "world")[0]
    return render(
        request,
        "indices/map.html",
        {
            "nav": "map",
            "year": year,
            "editions": _edition_options(years, year),
            "groups": _group_counts(rows),
            "top": [_table_row(r, _country_base()) for r in rows[:10]],
            "world_mean": num(world_mean.mean),
            "denominator_note": denominator_note(year),
            "ranking_url": reverse("indices:ranking") + _query(year=year),
            **_map_context(rows),
        },
    )


# --- the ranking ----------------------------------------------------------------------------


def _sorted(rows: list[queries.Row], key: str, descending: bool) -> list[queries.Row]:
    """By `key` (ties by name); rows without a value (unranked, no data) always last."""
    if key == "name":
        return sorted(rows, key=lambda r: r.country.casefold(), reverse=descending)
    by_name = sorted(rows, key=lambda r: r.country.casefold())
    present = [r for r in by_name if getattr(r, key) is not None]
    missing = [r for r in by_name if getattr(r, key) is None]
    present.sort(key=lambda r: float(getattr(r, key)), reverse=descending)  # stable: ties by name
    return present + missing


def _natural_order(key: str) -> str:
    return "asc" if key in ("rank", "name") else "desc"


def _sort_headers(
    params: dict[str, Any], sort: str, order: str, labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    headers = []
    base = reverse("indices:ranking")
    for key in SORTS:
        current = key == sort
        next_order = ("desc" if order == "asc" else "asc") if current else _natural_order(key)
        headers.append(
            {
                "key": key,
                "label": labels[key],
                "url": base + _query(**params, sort=key, order=next_order),
                "aria_sort": ("ascending" if order == "asc" else "descending") if current else "",
            }
        )
    return headers


@public
@require_GET
@anonymous_page_cache(
    seconds=CACHE_SECONDS,
    key=_page_key("year", "region", "subregion", "sort", "order"),
    version=_version,
)
@_domain_errors
def ranking(request: HttpRequest) -> HttpResponse:
    """The ranking of an edition, filtered by region or sub-region, sorted by any column."""
    years = _years()
    year = _year(request, years)
    region, subregion = _param(request, "region"), _param(request, "subregion")
    sort = _choice(request, "sort", SORTS, "rank")
    order = _choice(request, "order", ("asc", "desc"), _natural_order(sort))
    rows = queries.ranking(year, region=region or None, subregion=subregion or None)
    everyone = queries.ranking(year)
    areas = _areas(everyone)
    region = next((r.region for r in rows if r.region.casefold() == region.casefold()), region)
    subregion = next(
        (r.subregion for r in rows if r.subregion.casefold() == subregion.casefold()), subregion
    )
    base = _country_base()
    table = [_table_row(r, base) for r in _sorted(rows, sort, order == "desc")]
    params = {"year": year, "region": region, "subregion": subregion}
    labels = {"rank": gettext("Rank"), "name": gettext("Country")}
    labels |= {k: str(INDEX_ABBRS[k]) for k in queries.INDICES}
    return render(
        request,
        "indices/ranking.html",
        {
            "nav": "ranking",
            "year": year,
            "editions": _edition_options(years, year),
            "regions": [(_region_area(name), subs) for name, subs in areas.items()],
            "region": region,
            "subregion": subregion,
            "area_label": area_name(subregion or region) if (region or subregion) else "",
            "sort": sort,
            "order": order,
            "headers": _sort_headers(params, sort, order, labels),
            "rows": table,
            "ranked": sum(1 for r in table if r.rank is not None),
        },
    )


# --- a country ------------------------------------------------------------------------------


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
        mean = queries.aggregates(row.year, "world", index=index)[0].mean
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
    by_region = {a.group: a for a in queries.aggregates(year, "region")}
    by_sub = {a.group: a for a in queries.aggregates(year, "subregion")}

    def line(area: Area, stats: queries.AggregateRow, level: str) -> dict[str, Any]:
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
    world = queries.aggregates(year, "world")[0]
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
                "country": new.country,
                "url": f"{base}{new.iso3}/",
                "rank_from": rank_from,
                "rank_to": new.rank,
                "moved": moved,
                "moved_abs": abs(moved) if moved else 0,
                "value_from": num(value_from),
                "value_to": num(value_to),
                "change": signed(change),
                "point": charts.Change(
                    new.country, value_from, value_to, signed(change) or gettext("no data")
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
    groups = queries.compare_groups(year_from, year_to, by=by, index=index)
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
    stats = next(a for a in queries.aggregates(year, by) if a.group == place.name)
    subregions = []
    if sub_area is None:
        by_sub = {a.group: a for a in queries.aggregates(year, "subregion")}
        subregions = [
            {"area": s, "members": by_sub[s.name].members, "mean": num(by_sub[s.name].mean)}
            for s in _areas(queries.ranking(year)).get(region_area.name, [])
        ]
    world = queries.aggregates(year, "world")[0]
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
    leaders = queries.leaders(year, index="epi", top=top, region=region or None)
    areas = _areas(queries.ranking(year))
    region = next((n for n in areas if n.casefold() == region.casefold()), "")
    base = _country_base()
    rows = [
        {
            "position": leader.position,
            "world_position": leader.world_position,
            "country": leader.country,
            "url": f"{base}{leader.iso3}/",
            "region": area_name(leader.region),
            "subregion": area_name(leader.subregion),
            "epi": num(leader.value),
        }
        for leader in leaders
    ]
    chart = charts.bars(
        [
            charts.Bar(f"{leader.position}. {leader.country}", leader.value, num(leader.value))
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
