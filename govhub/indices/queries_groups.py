"""Reads over groups of countries: aggregates, comparisons between two editions, leaders.

They read the snapshot of `queries` (one per data version; one for a whole block inside
`queries.one_version()`) and memoise results in it, like the rankings. Results hold no
translated text: group labels are the data's own words ("World", "Unknown", "Africa", "High
income", "LDC"), so a result memoised for one request serves any language and an API's keys
never change with Accept-Language; pages translate them when rendering. World ranks
(`rank_from`, `rank_to`, `world_position`) are those of `queries` (see its module doc).
Missing values are None, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast, overload

from django.utils.translation import gettext as _

from govhub.core.api import InvalidInput
from govhub.indices import compute
from govhub.indices.queries import (
    _FIELD,
    INDICES,
    CountryInfo,
    _area,
    _choice,
    _country,
    _cut,
    _data,
    _in_area,
    _Snapshot,
    _top,
    _world_ranks,
    _year,
)

GroupBy = Literal["world", "region", "subregion", "income", "ldc", "lldc", "sids"]
GROUP_BYS: tuple[str, ...] = ("world", "region", "subregion", "income", "ldc", "lldc", "sids")
DENOMINATORS: tuple[str, ...] = ("scored", "all")
WORLD = "World"  # the one group of by="world"
UNKNOWN = "Unknown"  # the group of a country without a value for the grouping (no income)
INCOME_ORDER = ("High income", "Upper middle income", "Lower middle income", "Low income")
FLAG_LABELS = {
    "ldc": ("LDC", "non-LDC"),
    "lldc": ("LLDC", "non-LLDC"),
    "sids": ("SIDS", "non-SIDS"),
}


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
