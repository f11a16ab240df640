"""Reads of the Survey results: rankings, aggregates, comparisons, leaders, country profiles.

The whole table (1,930 scores, 193 countries) is small, so each process keeps one snapshot
of it, keyed by `data_version()`: a call costs that one cheap query plus Python work, and a
new import is seen at once by every process without any invalidation message. Inside
`one_version()` every read uses the same snapshot, found with a single version query (one
REST call: its ETag and its body come from the same data).

Results hold no translated text: group labels are the data's own words ("World", "Unknown",
"Africa", "High income", "LDC"), so a result memoised for one request serves any language
and an API's keys never change with Accept-Language; pages translate them when rendering.

`rank` is the world rank computed from the EGDI by `compute.rank` over every scored country
of the edition ("competition" 1, 2, 2, 4 by default, "dense" 1, 2, 2, 3 on request); it equals
the published rank (kept as `published_rank`) wherever the published EGDI values are not
tied. Unscored countries are unranked (None) and listed after the ranked ones. Missing
values are None, never 0.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast, overload

from django.db import connection
from django.utils.translation import gettext as _

from govhub.core.api import InvalidInput, NotFound
from govhub.indices import compute
from govhub.indices.models import Country, Edition, Score

GroupBy = Literal["world", "region", "subregion", "income", "ldc", "lldc", "sids"]
GROUP_BYS: tuple[str, ...] = ("world", "region", "subregion", "income", "ldc", "lldc", "sids")
INDICES: tuple[str, ...] = ("egdi", "osi", "hci", "tii", "epi")
DENOMINATORS: tuple[str, ...] = ("scored", "all")
METHODS: tuple[str, ...] = ("competition", "dense")
WORLD = "World"  # the one group of by="world"
UNKNOWN = "Unknown"  # the group of a country without a value for the grouping (no income)
INCOME_ORDER = ("High income", "Upper middle income", "Lower middle income", "Low income")
FLAG_LABELS = {
    "ldc": ("LDC", "non-LDC"),
    "lldc": ("LLDC", "non-LLDC"),
    "sids": ("SIDS", "non-SIDS"),
}

_Values = tuple[int | None, float | None, float | None, float | None, float | None, float | None]
_FIELD = {"rank": 0, "egdi": 1, "osi": 2, "hci": 3, "tii": 4, "epi": 5}


@dataclass(frozen=True)
class CountryInfo:
    iso3: str
    name: str
    m49: str
    region: str
    subregion: str
    income: str | None
    ldc: bool
    lldc: bool
    sids: bool


@dataclass(frozen=True)
class EditionInfo:
    year: int
    source: str
    imported_at: datetime
    default_denominator: str
    members: int
    scored: int
    rating_classes: bool


@dataclass(frozen=True)
class Row:
    """One country in one edition; `rank` is the computed world rank (see the module doc)."""

    year: int
    iso3: str
    country: str
    region: str
    subregion: str
    income: str | None
    rank: int | None
    published_rank: int | None
    egdi: float | None
    osi: float | None
    hci: float | None
    tii: float | None
    epi: float | None
    group: str | None
    rating_class: str | None


@dataclass(frozen=True)
class AggregateRow:
    """Summary of one group; `count` is the denominator used, `members` the group's size."""

    year: int
    by: str
    group: str
    index: str
    denominator: str
    members: int
    count: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None


@dataclass(frozen=True)
class GroupChange:
    """Change of a group's mean between two editions, each mean stating its denominator."""

    by: str
    group: str
    index: str
    year_from: int
    year_to: int
    denominator_from: str
    denominator_to: str
    count_from: int
    count_to: int
    mean_from: float | None
    mean_to: float | None
    change: float | None  # points: mean_to - mean_from
    change_pct: float | None  # per cent of mean_from


@dataclass(frozen=True)
class CountryChange:
    """A country's change of `index` and of its world EGDI rank between two editions.

    `mean_from`/`mean_to` are the country's value of `index` in each edition (named like a
    group's means, so group and country rows read alike); `rank_from`/`rank_to` are always
    the world EGDI rank, whatever `index`; `rank_change` > 0 means it moved up.
    """

    iso3: str
    country: str
    region: str
    subregion: str
    index: str
    year_from: int
    year_to: int
    rank_from: int | None
    rank_to: int | None
    rank_change: int | None
    mean_from: float | None
    mean_to: float | None
    change: float | None  # points: mean_to - mean_from
    change_pct: float | None  # per cent of mean_from


@dataclass(frozen=True)
class Leader:
    """A leader on one index: its place in the selection and over the whole world."""

    position: int
    world_position: int
    year: int
    index: str
    value: float
    iso3: str
    country: str
    region: str
    subregion: str


@dataclass(frozen=True)
class CountryProfile:
    country: CountryInfo
    editions: tuple[Row, ...]


@dataclass
class _Snapshot:
    version: str
    countries: dict[str, CountryInfo]
    editions: dict[int, tuple[str, datetime]]
    scores: dict[int, dict[str, _Values]]
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def cached(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """Results computed once per snapshot; keys come from validated arguments only."""
        value = self.memo.get(key)
        if value is None:  # threads may race here; both compute the same value
            value = make()
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = value
        return value


_MEMO_LIMIT = 2000
_lock = threading.Lock()
_snapshot: _Snapshot | None = None
_pinned: ContextVar[_Snapshot | None] = ContextVar("indices_snapshot", default=None)


def data_version() -> str:
    """Changes whenever an import changes anything (one small query); usable as an ETag."""
    e, s, c = (connection.ops.quote_name(m._meta.db_table) for m in (Edition, Score, Country))
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {e}), (SELECT MAX(imported_at) FROM {e}), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {s}), (SELECT MAX(id) FROM {s}), (SELECT COUNT(*) FROM {c})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return ":".join(str(v) for v in row)


def _load(version: str) -> _Snapshot:
    countries = {
        c.iso3: CountryInfo(
            c.iso3, c.name, c.m49, c.region, c.subregion, c.income, c.ldc, c.lldc, c.sids
        )
        for c in Country.objects.all()
    }
    editions = {e.year: (e.source, e.imported_at) for e in Edition.objects.all()}
    scores: dict[int, dict[str, _Values]] = {year: {} for year in editions}
    for year, iso3, *values in Score.objects.values_list(
        "edition_id", "country_id", "rank", "egdi", "osi", "hci", "tii", "epi"
    ):
        scores[year][iso3] = cast(_Values, tuple(values))
    return _Snapshot(version, countries, editions, scores)


def _data() -> _Snapshot:
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    global _snapshot
    version = data_version()
    snap = _snapshot
    if snap is None or snap.version != version:
        with _lock:
            snap = _snapshot  # another thread may have loaded it while this one waited
            if snap is None or snap.version != version:
                snap = _load(version)
                _snapshot = snap
    return snap


@contextmanager
def one_version() -> Iterator[str]:
    """Every read inside the block uses one snapshot (one version query); yields its version."""
    if (pinned := _pinned.get()) is not None:
        yield pinned.version
        return
    token = _pinned.set(_data())
    try:
        yield cast(_Snapshot, _pinned.get()).version
    finally:
        _pinned.reset(token)


def clear_cache() -> None:
    """Forget the per-process snapshot (the next read loads it again)."""
    global _snapshot
    _snapshot = None


# --- validation ---------------------------------------------------------------------------


def _year(snap: _Snapshot, year: int) -> int:
    if year not in snap.editions:
        known = ", ".join(str(y) for y in sorted(snap.editions)) or _("none imported")
        raise NotFound(
            _("No edition %(year)s of the Survey; editions: %(known)s.")
            % {"year": year, "known": known},
            code="edition_not_found",
        )
    return year


def _choice(value: str, allowed: Iterable[str], what: str, code: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise InvalidInput(
            _("Unknown %(what)s %(value)r; use one of: %(allowed)s.")
            % {"what": what, "value": value, "allowed": ", ".join(allowed)},
            code=code,
        )
    return value


def _denominator(year: int, denominator: str | None) -> compute.Denominator:
    if denominator is None:
        return compute.default_denominator(year)
    return cast(
        compute.Denominator,
        _choice(denominator, DENOMINATORS, _("denominator"), "invalid_denominator"),
    )


def comparison_denominator(
    year_from: int, year_to: int, denominator: str | None = None
) -> compute.Denominator:
    """One denominator for both sides of a comparison (a mean over the scored countries
    against one counting the unscored as 0 would compare two different things): the one
    given, else the editions' common default, else "scored"."""
    if denominator is not None:
        return _denominator(year_from, denominator)
    first, second = compute.default_denominator(year_from), compute.default_denominator(year_to)
    return first if first == second else "scored"


def _area(snap: _Snapshot, value: str | None, attr: str, code: str) -> str | None:
    """Match a region or sub-region name ignoring case; InvalidInput listing the names."""
    if value is None:
        return None
    names: list[str] = sorted({getattr(c, attr) for c in snap.countries.values()})
    for name in names:
        if name.casefold() == value.strip().casefold():
            return name
    what = _("region") if attr == "region" else _("sub-region")
    return _choice(value, names, what, code)


def _top(top: int | None) -> int | None:
    if top is not None and top < 1:
        raise InvalidInput(_("top must be at least 1."), code="invalid_top")
    return top


def area_names(region: str | None, subregion: str | None) -> tuple[str | None, str | None]:
    """A region and a sub-region as the data spell them (matched ignoring case and spaces);
    InvalidInput for an unknown one."""
    snap = _data()
    return (
        _area(snap, region, "region", "unknown_region"),
        _area(snap, subregion, "subregion", "unknown_subregion"),
    )


def country_code(iso3: str) -> str:
    """A Member State's ISO3 code in upper case; NotFound for an unknown code."""
    return _country(_data(), iso3)


def bounded_top(top: int | None) -> int | None:
    """`top` checked (at least 1) and capped at the number of countries, which every larger
    value selects alike."""
    return None if _top(top) is None else min(cast(int, top), len(_data().countries))


# --- building rows ------------------------------------------------------------------------


def _world_ranks(snap: _Snapshot, year: int, index: str, method: str) -> dict[str, int | None]:
    def make() -> dict[str, int | None]:
        values = {iso3: v[_FIELD[index]] for iso3, v in snap.scores[year].items()}
        return compute.rank(values, method=cast(compute.Method, method))

    return cast(dict[str, int | None], snap.cached(("rank", year, index, method), make))


def _row(snap: _Snapshot, year: int, iso3: str, rank: int | None) -> Row:
    c = snap.countries[iso3]
    published, egdi, osi, hci, tii, epi = snap.scores[year][iso3]
    return Row(
        year=year,
        iso3=iso3,
        country=c.name,
        region=c.region,
        subregion=c.subregion,
        income=c.income,
        rank=rank,
        published_rank=published,
        egdi=egdi,
        osi=osi,
        hci=hci,
        tii=tii,
        epi=epi,
        group=compute.egdi_group(egdi),
        rating_class=compute.rating_class(egdi, year),
    )


def _in_area(c: CountryInfo | Row, region: str | None, subregion: str | None) -> bool:
    return (region is None or c.region == region) and (
        subregion is None or c.subregion == subregion
    )


def _cut(items: list[Any], top: int | None, value: Callable[[Any], Any]) -> list[Any]:
    """The first `top` items, and any tied with the last of them."""
    if top is None or len(items) <= top:
        return items
    last = value(items[top - 1])
    return items[:top] + [i for i in items[top:] if value(i) == last]


# --- public reads -------------------------------------------------------------------------


def editions() -> list[EditionInfo]:
    """The imported editions, oldest first, with how many countries each scored."""
    snap = _data()
    return [
        EditionInfo(
            year=year,
            source=source,
            imported_at=imported_at,
            default_denominator=compute.default_denominator(year),
            members=len(snap.scores[year]),
            scored=sum(1 for v in snap.scores[year].values() if v[1] is not None),
            rating_classes=year >= compute.RATING_CLASSES_FROM,
        )
        for year, (source, imported_at) in sorted(snap.editions.items())
    ]


def ranking(
    year: int,
    *,
    region: str | None = None,
    subregion: str | None = None,
    top: int | None = None,
    method: str = "competition",
) -> list[Row]:
    """Countries of an edition by world rank, optionally within a region or sub-region.

    With `top`, only the first `top` ranked countries of the selection (and any tied with
    the last of them); otherwise unranked countries follow, by name.
    """
    snap = _data()
    _year(snap, year)
    method = _choice(method, METHODS, _("ranking method"), "invalid_method")
    region = _area(snap, region, "region", "unknown_region")
    subregion = _area(snap, subregion, "subregion", "unknown_subregion")
    _top(top)
    rows = [r for r in _rows(snap, year, method) if _in_area(r, region, subregion)]
    if top is not None:
        return _cut([r for r in rows if r.rank is not None], top, lambda r: r.rank)
    return rows


def _rows(snap: _Snapshot, year: int, method: str) -> list[Row]:
    """Every country of an edition: ranked ones by rank and name, then unranked by name."""

    def make() -> list[Row]:
        ranks = _world_ranks(snap, year, "egdi", method)
        rows = [_row(snap, year, iso3, ranks[iso3]) for iso3 in snap.scores[year]]
        return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.country))

    return cast(list[Row], snap.cached(("rows", year, method), make))


def _labels(c: CountryInfo, by: str) -> str:
    """The group of a country, untranslated (see the module doc)."""
    if by == "world":
        return WORLD
    if by in FLAG_LABELS:
        yes, no = FLAG_LABELS[by]
        return yes if getattr(c, by) else no
    value = getattr(c, by)
    return str(value) if value else UNKNOWN


def _group_order(by: str, label: str) -> tuple[int, str]:
    if by == "income" and label in INCOME_ORDER:
        return (INCOME_ORDER.index(label), label)
    if by in FLAG_LABELS:
        return (FLAG_LABELS[by].index(label) if label in FLAG_LABELS[by] else 2, label)
    return (len(INCOME_ORDER), label)


def _grouped(snap: _Snapshot, year: int, by: str, index: str) -> dict[str, list[float | None]]:
    groups: dict[str, list[float | None]] = {}
    for iso3, values in snap.scores[year].items():
        label = _labels(snap.countries[iso3], by)
        groups.setdefault(label, []).append(values[_FIELD[index]])
    return dict(sorted(groups.items(), key=lambda item: _group_order(by, item[0])))


def aggregates(
    year: int, by: str = "world", *, denominator: str | None = None, index: str = "egdi"
) -> list[AggregateRow]:
    """Mean, median, min and max of an index per group; the denominator is stated per row.

    `denominator` "scored" leaves unscored countries out; "all" counts them as 0 (what the
    Survey's own 2012 average did). By default the edition's own (`compute`).
    """
    return _aggregates(_data(), year, by, denominator, index)


def _aggregates(
    snap: _Snapshot, year: int, by: str, denominator: str | None, index: str
) -> list[AggregateRow]:
    _year(snap, year)
    by = _choice(by, GROUP_BYS, _("grouping"), "invalid_group_by")
    index = _choice(index, INDICES, _("index"), "invalid_index")
    used = _denominator(year, denominator)

    def make() -> list[AggregateRow]:
        result = []
        for label, values in _grouped(snap, year, by, index).items():
            stats = compute.aggregate(values, used)
            result.append(
                AggregateRow(
                    year=year,
                    by=by,
                    group=label,
                    index=index,
                    denominator=stats.denominator,
                    members=len(values),
                    count=stats.count,
                    mean=stats.mean,
                    median=stats.median,
                    min=stats.min,
                    max=stats.max,
                )
            )
        return result

    return list(snap.cached(("aggregates", year, by, index, used), make))


def _change(before: float | None, after: float | None) -> tuple[float | None, float | None]:
    if before is None or after is None:
        return None, None
    change = after - before
    return change, (change / before * 100 if before else None)


def _country_change(snap: _Snapshot, iso3: str, y1: int, y2: int, index: str) -> CountryChange:
    c = snap.countries[iso3]
    r1 = _world_ranks(snap, y1, "egdi", "competition").get(iso3)
    r2 = _world_ranks(snap, y2, "egdi", "competition").get(iso3)
    v1 = snap.scores[y1].get(iso3, (None,) * 6)[_FIELD[index]]
    v2 = snap.scores[y2].get(iso3, (None,) * 6)[_FIELD[index]]
    change, pct = _change(v1, v2)
    return CountryChange(
        iso3=iso3,
        country=c.name,
        region=c.region,
        subregion=c.subregion,
        index=index,
        year_from=y1,
        year_to=y2,
        rank_from=r1,
        rank_to=r2,
        rank_change=r1 - r2 if r1 is not None and r2 is not None else None,
        mean_from=cast(float | None, v1),
        mean_to=cast(float | None, v2),
        change=change,
        change_pct=pct,
    )


def _country(snap: _Snapshot, iso3: str) -> str:
    code = iso3.strip().upper()
    if code not in snap.countries:
        raise NotFound(
            _("No Member State with the code %(code)s.") % {"code": iso3}, code="country_not_found"
        )
    return code


def compare_countries(
    year_from: int, year_to: int, *, country: str | None = None, index: str = "egdi"
) -> list[CountryChange]:
    """Each country's (or only `country`'s) change of `index` and of its world EGDI rank,
    by EGDI rank in `year_to`."""
    snap = _data()
    _year(snap, year_from)
    _year(snap, year_to)
    index = _choice(index, INDICES, _("index"), "invalid_index")
    if country is not None:
        return [_country_change(snap, _country(snap, country), year_from, year_to, index)]

    def make() -> list[CountryChange]:
        rows = [_country_change(snap, k, year_from, year_to, index) for k in snap.countries]
        return sorted(rows, key=lambda r: (r.rank_to is None, r.rank_to or 0, r.country))

    return list(snap.cached(("compare", year_from, year_to, index), make))


def compare_groups(
    year_from: int,
    year_to: int,
    *,
    by: str,
    denominator: str | None = None,
    index: str = "egdi",
) -> list[GroupChange]:
    """Each group's change of mean, in points and in per cent of the earlier mean.

    Both means use one denominator (`comparison_denominator`: the one given, else the two
    editions' common default, else "scored"); each row states it for both sides.
    """
    snap = _data()
    _year(snap, year_from)
    _year(snap, year_to)
    used = comparison_denominator(year_from, year_to, denominator)
    before = {a.group: a for a in _aggregates(snap, year_from, by, used, index)}
    result = []
    for a in _aggregates(snap, year_to, by, used, index):
        b = before.get(a.group)
        change, pct = _change(b.mean if b else None, a.mean)
        result.append(
            GroupChange(
                by=a.by,
                group=a.group,
                index=a.index,
                year_from=year_from,
                year_to=year_to,
                denominator_from=used,
                denominator_to=a.denominator,
                count_from=b.count if b else 0,
                count_to=a.count,
                mean_from=b.mean if b else None,
                mean_to=a.mean,
                change=change,
                change_pct=pct,
            )
        )
    return result


@overload
def compare(
    year_from: int,
    year_to: int,
    *,
    by: None = None,
    country: str | None = None,
    denominator: str | None = None,
    index: str = "egdi",
) -> list[CountryChange]: ...


@overload
def compare(
    year_from: int,
    year_to: int,
    *,
    by: str,
    country: None = None,
    denominator: str | None = None,
    index: str = "egdi",
) -> list[GroupChange]: ...


def compare(
    year_from: int,
    year_to: int,
    *,
    by: str | None = None,
    country: str | None = None,
    denominator: str | None = None,
    index: str = "egdi",
) -> list[GroupChange] | list[CountryChange]:
    """Change between two editions: per country without `by`, per group with it."""
    if by is not None and country is not None:
        raise InvalidInput(
            _("Compare either one country or groups, not both."), code="invalid_compare"
        )
    if by is None:
        return compare_countries(year_from, year_to, country=country, index=index)
    return compare_groups(year_from, year_to, by=by, denominator=denominator, index=index)


def leaders(
    year: int,
    *,
    index: str = "egdi",
    top: int = 10,
    region: str | None = None,
    subregion: str | None = None,
) -> list[Leader]:
    """The top `top` countries on an index (and any tied with the last), world or in an area."""
    snap = _data()
    _year(snap, year)
    index = _choice(index, INDICES, _("index"), "invalid_index")
    region = _area(snap, region, "region", "unknown_region")
    subregion = _area(snap, subregion, "subregion", "unknown_subregion")
    _top(top)
    world = _world_ranks(snap, year, index, "competition")
    chosen = {
        iso3: v[_FIELD[index]]
        for iso3, v in snap.scores[year].items()
        if _in_area(snap.countries[iso3], region, subregion) and v[_FIELD[index]] is not None
    }
    local = compute.rank(chosen)
    order = sorted(chosen, key=lambda k: (local[k], snap.countries[k].name))
    result = []
    for iso3 in _cut(order, top, lambda k: local[k]):
        c = snap.countries[iso3]
        result.append(
            Leader(
                position=cast(int, local[iso3]),
                world_position=cast(int, world[iso3]),
                year=year,
                index=index,
                value=cast(float, chosen[iso3]),
                iso3=iso3,
                country=c.name,
                region=c.region,
                subregion=c.subregion,
            )
        )
    return result


def published_egdi(year: int) -> dict[str, float]:
    """{ISO3: published EGDI} of the countries an edition scored; NotFound for no edition."""
    snap = _data()
    _year(snap, year)
    return {iso3: v[1] for iso3, v in snap.scores[year].items() if v[1] is not None}


def country_profile(iso3: str) -> CountryProfile:
    """A Member State's classifications and its row in every imported edition."""
    snap = _data()
    code = _country(snap, iso3)
    rows = tuple(
        _row(snap, year, code, _world_ranks(snap, year, "egdi", "competition")[code])
        for year in sorted(snap.editions)
        if code in snap.scores[year]
    )
    return CountryProfile(country=snap.countries[code], editions=rows)
