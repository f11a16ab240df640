"""The UN E-Government Survey pages: the parts every page shares, the world map and the
ranking; the country profile is in `views_countries`, the regions and sub-regions (with the
comparison between two editions) and the e-participation leaders in `views_regions`.

Views parse and check their parameters, call `queries` and `queries_groups`, and hand the
templates plain, already formatted values (numbers with 4 decimals in the page's locale,
labels translated at rendering time: `labels.py`). Each page reads one snapshot
(`queries.one_version()`). Charts are inline SVG (`charts.py`, `geometry.py`), each with a
table of the same numbers. Every page is cached for anonymous visitors, keyed by its
parameters and versioned by `queries.data_version()`; a bad parameter gives a 404 or 400
page, never a 500 (only 200 responses are cached, so invalid parameters cannot fill the
cache).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from govhub.core.api import (
    DomainError,
    InvalidInput,
    NotFound,
    anonymous_page_cache,
    error_response,
    public,
)
from govhub.indices import geometry, queries, queries_groups
from govhub.indices.labels import (
    GROUP_LABELS,
    GROUP_RANGES,
    GROUPS,
    INDEX_ABBRS,
    NONE,
    area_name,
    country_label,
    denominator_note,
    name_key,
    num,
)

CACHE_SECONDS = 600
SORTS = ("rank", "name", *queries.INDICES)


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
        country=country_label(row.iso3, row.country),
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
            "countries": sorted(
                ((country_label(r.iso3, r.country), f"{base}{r.iso3}/") for r in found),
                key=lambda pair: name_key(pair[0]),
            ),
        }
        for key, found in members.items()
    ]


def _edition_options(years: list[int], chosen: int) -> list[tuple[int, bool]]:
    return [(y, y == chosen) for y in reversed(years)]


# --- the map --------------------------------------------------------------------------------


def _map_label(row: queries.Row) -> str:
    if row.egdi is None or row.group is None:
        return gettext("%(country)s: no data") % {"country": country_label(row.iso3, row.country)}
    return gettext("%(country)s: EGDI %(egdi)s, %(group)s") % {
        "country": country_label(row.iso3, row.country),
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
    world_mean = queries_groups.aggregates(year, "world")[0]
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
    """By `key` (ties by name, in the page's language); rows without a value (unranked, no
    data) always last."""
    by_name = sorted(rows, key=lambda r: name_key(country_label(r.iso3, r.country)))
    if key == "name":
        return by_name[::-1] if descending else by_name
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
