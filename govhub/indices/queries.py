"""Reads of the Survey results: editions, rankings, country profiles, and the snapshot they
(and `queries_groups`: aggregates, comparisons, leaders) read.

The whole table (1,930 scores, 193 countries) is small, so each process keeps one snapshot
of it, keyed by `data_version()`: a call costs that one cheap query plus Python work, and a
new import is seen at once by every process without any invalidation message. Inside
`one_version()` every read uses the same snapshot, found with a single version query (one
REST call: its ETag and its body come from the same data).

Results hold no translated text: names are the data's own words ("Africa", "High income"),
so a result memoised for one request serves any language and an API's keys never change
with Accept-Language; pages translate them when rendering.

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
from typing import Any, cast

from django.db import connection
from django.utils.translation import gettext as _

from govhub.core.api import InvalidInput, NotFound
from govhub.indices import compute
from govhub.indices.models import Country, Edition, Score

INDICES: tuple[str, ...] = ("egdi", "osi", "hci", "tii", "epi")
METHODS: tuple[str, ...] = ("competition", "dense")

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


def _country(snap: _Snapshot, iso3: str) -> str:
    code = iso3.strip().upper()
    if code not in snap.countries:
        raise NotFound(
            _("No Member State with the code %(code)s.") % {"code": iso3}, code="country_not_found"
        )
    return code


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
