"""The UN E-Government Survey methodology as code: pure Python, standard library only.

No Django and no other module of this project is imported, so every rule here can be checked
(and property-tested) without a database and without the data files. Callers hand in plain
mappings and sequences; `sources.py` reads the shipped files into such values.

What each edition did is written down once, in `EDITIONS`, with the source for each choice.
Where the sources searched did not settle a question, the entry says so and says what the
published numbers show instead; nothing here is tuned to make a test pass.

The index, in one paragraph
---------------------------
EGDI = w_osi·OSI + w_hci·HCI + w_tii·TII with w = 1/3 each (egovkb "About > Methodology":
"EGDI = 1/3 (OSI normalized + TII normalized + HCI normalized)"), except that the 2008 and
2010 published values follow w = (0.34, 0.33, 0.33) (measured, see `EDITIONS`). TII is the
equally weighted mean of the edition's telecom indicators (per 100 inhabitants), each first
standardised across countries; from 2012 the composite is min-max normalised to 0..1, and from
2020 every indicator is cut off at 120 first. HCI is a weighted mean of education indices.
OSI is the min-max normalisation of the raw online-service score; EPI is raw over the maximum.

Measured against the shipped tables (`govhub indices methodology`; tests/test_methodology_data.py)
----------------------------------------------------------------------------------------------
Largest |mean(OSI, HCI, TII) - published EGDI| over the countries with all four values:
2005 0.000007, 2008 0.013620, 2010 0.003990, 2012 0.000007, 2014 0.000023, 2016 0.000007,
2018 0.000033, 2020 0.000033, 2022 0.000067, 2024 0.000037. With the 2008/2010 weights:
2008 0.012121 (Cameroon; Cambodia 0.0028; all others within 6e-5), 2010 0.000008. Every
edition is its formula up to the rounding of the published decimals, except those two 2008
rows and 67 rows of 2024 (off by up to 3.7e-5 where 5-decimal rounding allows 1e-5).
TII 2012 rebuilt from four of its five series (OWID/WDI; no fixed-Internet series) correlates
with the published TII at r = 0.987 with year-end 2010 data (182 countries), 0.979 with 2011.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, TypeVar

K = TypeVar("K", bound=Hashable)
Method = Literal["competition", "dense"]
Denominator = Literal["scored", "all"]
Standardisation = Literal["minmax", "zscore"]

# Telecommunication indicators, all per 100 inhabitants (internet users: % of population).
INTERNET_USERS = "internet_users"
FIXED_TELEPHONE = "fixed_telephone"
MOBILE_CELLULAR = "mobile_cellular"
FIXED_BROADBAND = "fixed_broadband"
FIXED_INTERNET = "fixed_internet"  # 2012 only: all fixed Internet subscriptions
WIRELESS_BROADBAND = "wireless_broadband"  # 2014-2016
ACTIVE_MOBILE_BROADBAND = "active_mobile_broadband"  # 2018 on
PERSONAL_COMPUTERS = "personal_computers"  # up to 2010
ONLINE_POPULATION = "online_population"  # up to 2005
TELEVISION_SETS = "television_sets"  # up to 2005

# Human capital components, each already an index in 0..1 (see `hci_component_index`).
ADULT_LITERACY = "adult_literacy"
GROSS_ENROLMENT = "gross_enrolment"
EXPECTED_SCHOOLING = "expected_schooling"
MEAN_SCHOOLING = "mean_schooling"
HCI_COMPONENTS = (ADULT_LITERACY, GROSS_ENROLMENT, EXPECTED_SCHOOLING, MEAN_SCHOOLING)

# Online-service stages: the four-stage model (2010-2016) and the five-stage one (2003-2008).
STAGES = ("emerging", "enhanced", "transactional", "connected")
STAGES_2008 = ("emerging", "enhanced", "interactive", "transactional", "networked")

SRC_EGOVKB = (
    "UN DESA, egovkb 'About > Methodology' (publicadministration.un.org/egovkb/en-us/About/"
    "Methodology): EGDI = 1/3 (OSI + TII + HCI); each component z-scored, then normalised 0..1"
)
SRC_TABLE_A1 = (
    "UN E-Government Survey 2022, Annex A, Table A.1 'Telecommunication infrastructure index "
    "(TII) and changes of its components (2001-2022)', and the annex note: 'Another measure "
    "introduced in 2020 is that a cut-off limit of 120 has been applied to TII components'"
)
SRC_2008 = (
    "UN E-Government Survey 2008 as summarised by UNPAN (unpan.org PublicAdministrationNews "
    "21618): TII = five indices (Internet users, PCs, main telephone lines, cellular phones, "
    "broadband; 'each index represents 20 per cent'); HCI = 2/3 adult literacy + 1/3 gross "
    "enrolment ratio"
)
SRC_2005 = (
    "UN E-Government Readiness reports 2003-2005 as summarised by UNPAN/ICT4D wiki: TII = six "
    "indices (PCs, Internet users, telephone lines, online population, mobile phones, TVs); "
    "HCI = UNDP education index (2/3 adult literacy + 1/3 gross enrolment)"
)
SRC_HCI_2014 = (
    "UN E-Government Survey 2014-2024 annexes: HCI = 1/3 adult literacy + 2/9 gross enrolment "
    "+ 2/9 expected years of schooling + 2/9 mean years of schooling (the four components are "
    "confirmed by the QoG codebook entry egov_hci; the annex page with the weights was not "
    "retrieved here)"
)
MEASURED_034 = (
    "measured, not found in writing: EGDI = 0.34 OSI + 0.33 HCI + 0.33 TII reproduces the "
    "published 2010 EGDI within 8e-6 for all 183 scored countries and the 2008 EGDI within "
    "6e-5 for 180 of 182 (Cameroon, Cambodia excepted); the equal-weight mean misses by up to "
    "0.0040 (2010) and 0.0136 (2008)"
)
WORLD_AVERAGE = (
    "denominator reproduced from the world average EGDI the Survey reports: 2005 0.4267, "
    "2008 0.4514, 2010 0.4406 are the means over scored countries only (179, 182, 183); "
    "2012 0.4882 is the mean over all 193 with the 3 unscored at 0 (0.4959 over the scored)"
)


@dataclass(frozen=True)
class EditionMethod:
    """How one edition of the Survey computed its indices, with where that is written."""

    year: int
    egdi_weights: tuple[float, float, float]  # (OSI, HCI, TII)
    tii_indicators: tuple[str, ...]
    tii_standardisation: Standardisation  # per indicator, across countries
    tii_renormalised: bool  # composite min-max normalised to 0..1 afterwards
    tii_cap: float | None  # each indicator cut off at this value first
    hci_weights: Mapping[str, float]
    denominator: Denominator  # what the Survey's own averages divided by
    rating_classes: bool
    source: str
    note: str = ""


_THIRD = (1 / 3, 1 / 3, 1 / 3)
_HCI_OLD = MappingProxyType({ADULT_LITERACY: 2 / 3, GROSS_ENROLMENT: 1 / 3})
_HCI_NEW = MappingProxyType(
    {
        ADULT_LITERACY: 1 / 3,
        GROSS_ENROLMENT: 2 / 9,
        EXPECTED_SCHOOLING: 2 / 9,
        MEAN_SCHOOLING: 2 / 9,
    }
)
_TII_2005 = (
    INTERNET_USERS,
    ONLINE_POPULATION,
    PERSONAL_COMPUTERS,
    MOBILE_CELLULAR,
    FIXED_TELEPHONE,
    TELEVISION_SETS,
)
_TII_2008 = (INTERNET_USERS, FIXED_BROADBAND, PERSONAL_COMPUTERS, MOBILE_CELLULAR, FIXED_TELEPHONE)
_TII_2012 = (INTERNET_USERS, FIXED_BROADBAND, FIXED_INTERNET, MOBILE_CELLULAR, FIXED_TELEPHONE)
_TII_2014 = (INTERNET_USERS, FIXED_BROADBAND, WIRELESS_BROADBAND, MOBILE_CELLULAR, FIXED_TELEPHONE)
_TII_2018 = (
    INTERNET_USERS,
    FIXED_BROADBAND,
    ACTIVE_MOBILE_BROADBAND,
    MOBILE_CELLULAR,
    FIXED_TELEPHONE,
)
_TII_2020 = (INTERNET_USERS, FIXED_BROADBAND, ACTIVE_MOBILE_BROADBAND, MOBILE_CELLULAR)
_OLD_TII_NOTE = (
    "per-indicator index (x - min)/(max - min), composite not renormalised: the published "
    "maxima are below 1 (2005 0.840, 2008 0.814, 2010 0.769), as such a mean gives"
)


def _edition(
    year: int,
    tii: tuple[str, ...],
    *,
    weights: tuple[float, float, float] = _THIRD,
    old: bool = False,
    cap: float | None = None,
    denominator: Denominator = "all",
    source: str,
    note: str = "",
) -> EditionMethod:
    return EditionMethod(
        year=year,
        egdi_weights=weights,
        tii_indicators=tii,
        tii_standardisation="minmax" if old else "zscore",
        tii_renormalised=not old,
        tii_cap=cap,
        hci_weights=_HCI_OLD if year <= 2012 else _HCI_NEW,
        denominator=denominator,
        rating_classes=year >= 2020,
        source=source,
        note=note,
    )


EDITIONS: Mapping[int, EditionMethod] = MappingProxyType(
    {
        2005: _edition(
            2005,
            _TII_2005,
            old=True,
            denominator="scored",
            source=f"{SRC_2005}; {SRC_TABLE_A1}; {WORLD_AVERAGE}",
            note=_OLD_TII_NOTE,
        ),
        2008: _edition(
            2008,
            _TII_2008,
            weights=(0.34, 0.33, 0.33),
            old=True,
            denominator="scored",
            source=f"{SRC_2008}; {SRC_TABLE_A1}; EGDI weights {MEASURED_034}; {WORLD_AVERAGE}",
            note=_OLD_TII_NOTE,
        ),
        2010: _edition(
            2010,
            _TII_2008,
            weights=(0.34, 0.33, 0.33),
            old=True,
            denominator="scored",
            source=f"{SRC_TABLE_A1}; EGDI weights {MEASURED_034}; {WORLD_AVERAGE}",
            note=_OLD_TII_NOTE,
        ),
        2012: _edition(
            2012,
            _TII_2012,
            source=f"{SRC_EGOVKB}; {SRC_TABLE_A1}; {WORLD_AVERAGE}",
            note=(
                "z-score per indicator assumed as from 2014 (the 2012 annex was not retrieved); "
                "the published TII spans exactly 0..1, so the composite was renormalised"
            ),
        ),
        2014: _edition(2014, _TII_2014, source=f"{SRC_EGOVKB}; {SRC_TABLE_A1}; {SRC_HCI_2014}"),
        2016: _edition(2016, _TII_2014, source=f"{SRC_EGOVKB}; {SRC_TABLE_A1}; {SRC_HCI_2014}"),
        2018: _edition(
            2018,
            _TII_2018,
            source=f"{SRC_EGOVKB}; {SRC_TABLE_A1}; {SRC_HCI_2014}",
            note="Table A.1 still lists fixed-telephone subscriptions for 2018; dropped in 2020",
        ),
        2020: _edition(
            2020, _TII_2020, cap=120.0, source=f"{SRC_EGOVKB}; {SRC_TABLE_A1}; {SRC_HCI_2014}"
        ),
        2022: _edition(
            2022, _TII_2020, cap=120.0, source=f"{SRC_EGOVKB}; {SRC_TABLE_A1}; {SRC_HCI_2014}"
        ),
        2024: _edition(
            2024,
            _TII_2020,
            cap=120.0,
            source=f"{SRC_EGOVKB}; {SRC_HCI_2014}",
            note="assumed unchanged from 2022: the 2024 annex was not retrieved",
        ),
    }
)


def edition(year: int) -> EditionMethod:
    """The method of the edition published in `year`; ValueError for a year with none."""
    try:
        return EDITIONS[year]
    except KeyError:
        known = ", ".join(str(y) for y in EDITIONS)
        raise ValueError(f"no Survey edition {year} is described (known: {known})") from None


# --- validation ---------------------------------------------------------------------------


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


def _unit(value: float, what: str) -> float:
    if not 0.0 <= _finite(value, what) <= 1.0:
        raise ValueError(f"{what} must lie in 0..1, got {value!r}")
    return value


def _present(values: Mapping[K, float | None], what: str) -> dict[K, float]:
    return {k: _finite(v, f"{what} of {k!r}") for k, v in values.items() if v is not None}


# --- ranking and groups -------------------------------------------------------------------


def rank(
    scores: Mapping[K, float | None], *, method: Method = "competition"
) -> dict[K, int | None]:
    """Rank by score, higher first; ties share a rank; a missing score stays unranked (None).

    "competition" (1, 2, 2, 4): the next rank skips as many places as the tie holds, as the
    Survey's tables do. "dense" (1, 2, 2, 3): no gaps.
    """
    present = _present(scores, "score")
    distinct = sorted(set(present.values()), reverse=True)
    if method == "dense":
        position = {value: i + 1 for i, value in enumerate(distinct)}
    elif method == "competition":
        ordered = sorted(present.values(), reverse=True)
        position = {}
        for i, value in enumerate(ordered):
            position.setdefault(value, i + 1)
    else:
        raise ValueError(f"unknown ranking method {method!r}")
    return {k: (position[v] if v is not None else None) for k, v in scores.items()}


GROUPS = ("very_high", "high", "middle", "low")


def egdi_group(egdi: float | None) -> str | None:
    """The Survey's EGDI level: very high (> 0.75), high, middle, low (< 0.25).

    The Survey states "Very High (greater than 0.75), High (between 0.50 and 0.75), Middle
    (between 0.25 and 0.50), Low (less than 0.25)" (egovkb, and every edition since 2014). To
    honour both strict ends, 0.75 is high, 0.50 is high and 0.25 is middle:
    very_high (0.75, 1]; high [0.50, 0.75]; middle [0.25, 0.50); low [0, 0.25).
    """
    if egdi is None:
        return None
    _unit(egdi, "EGDI")
    if egdi > 0.75:
        return "very_high"
    if egdi >= 0.50:
        return "high"
    if egdi >= 0.25:
        return "middle"
    return "low"


_CLASS_LABELS = {
    "very_high": ("V1", "V2", "V3", "VH"),
    "high": ("H1", "H2", "H3", "HV"),
    "middle": ("M1", "M2", "M3", "MH"),
    "low": ("L1", "L2", "L3", "LM"),
}
_GROUP_FLOOR = {"very_high": 0.75, "high": 0.50, "middle": 0.25, "low": 0.0}
RATING_CLASSES_FROM = 2020


def rating_class(egdi: float | None, year: int) -> str | None:
    """The rating class within the EGDI group (2020 on): each group cut into four quarters.

    From the 2020 Survey each group is split into four classes, highest first: VH, V3, V2, V1;
    HV, H3, H2, H1; MH, M3, M2, M1; LM, L3, L2, L1. Taken here as four equal-width intervals of
    0.0625 from the group's floor (a quarter-boundary belongs to the upper class; the group
    boundaries follow `egdi_group`). Unverified: the annex text defining the intervals was not
    retrieved, and quartiles by count would give different classes.
    """
    if egdi is None or year < RATING_CLASSES_FROM:
        return None
    group = egdi_group(egdi)
    assert group is not None
    quarter = min(3, max(0, math.floor((egdi - _GROUP_FLOOR[group]) / 0.0625)))
    return _CLASS_LABELS[group][quarter]


# --- aggregates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Summary of one group's values, stating which denominator produced it."""

    count: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    denominator: Denominator


def aggregate(values: Sequence[float | None], denominator: Denominator) -> Stats:
    """Mean, median, min, max and count of one group's values.

    "scored": missing values are dropped and `count` is the number of countries with a score.
    "all": `count` is every member and a missing value counts as 0, which is what a table
    that writes missing as 0 (and the 2012 Survey's world average) does.
    """
    if denominator == "scored":
        used = [_finite(v, "value") for v in values if v is not None]
    elif denominator == "all":
        used = [0.0 if v is None else _finite(v, "value") for v in values]
    else:
        raise ValueError(f"unknown denominator {denominator!r}")
    if not used:
        return Stats(0, None, None, None, None, denominator)
    return Stats(
        count=len(used),
        mean=math.fsum(used) / len(used),
        median=statistics.median(used),
        min=min(used),
        max=max(used),
        denominator=denominator,
    )


def aggregate_groups(
    values: Mapping[K, float | None],
    membership: Mapping[K, Iterable[str]],
    denominator: Denominator,
) -> dict[str, Stats]:
    """`aggregate` per group label; `membership` lists each country's groups.

    E.g. {"KEN": ["world", "Africa", "Eastern Africa", "Lower middle income"]}. A member
    without an entry in `values` is missing (dropped under "scored", 0 under "all").
    """
    members: dict[str, list[float | None]] = {}
    for key, labels in membership.items():
        for label in labels:
            members.setdefault(label, []).append(values.get(key))
    return {label: aggregate(group, denominator) for label, group in sorted(members.items())}


def default_denominator(year: int) -> Denominator:
    """What the Survey's own averages divided by in `year` (see `WORLD_AVERAGE`).

    2005-2010: countries with a score; 2012: all 193 Member States, unscored ones as 0.
    From 2014 every Member State is scored, so the two agree; "all" is kept.
    """
    return edition(year).denominator


# --- the indices --------------------------------------------------------------------------


def egdi(osi: float, hci: float, tii: float, *, year: int | None = None) -> float:
    """EGDI from its three normalised components: their mean, or the edition's weights."""
    weights = _THIRD if year is None else edition(year).egdi_weights
    parts = (_unit(osi, "OSI"), _unit(hci, "HCI"), _unit(tii, "TII"))
    if weights == _THIRD:
        return math.fsum(parts) / 3
    return math.fsum(w * p for w, p in zip(weights, parts, strict=True))


def minmax(values: Mapping[K, float | None]) -> dict[K, float | None]:
    """(x - min) / (max - min) over the present values; all 0.0 when they do not spread."""
    present = _present(values, "value")
    if not present:
        return dict.fromkeys(values)
    low, high = min(present.values()), max(present.values())
    spread = high - low
    if not math.isfinite(spread):
        raise ValueError("values too far apart to normalise")
    return {
        k: (None if v is None else ((v - low) / spread if spread > 0 else 0.0))
        for k, v in values.items()
    }


def zscore(values: Mapping[K, float | None]) -> dict[K, float | None]:
    """(x - mean) / population standard deviation; all 0.0 when the values do not spread.

    The Survey's formula uses sigma "of the population", hence pstdev rather than stdev.
    """
    present = _present(values, "value")
    if not present:
        return dict.fromkeys(values)
    mean = statistics.fmean(present.values())
    sd = statistics.pstdev(present.values(), mu=mean)
    return {
        k: (None if v is None else ((v - mean) / sd if sd > 0 else 0.0)) for k, v in values.items()
    }


def _ratio_to_max(values: Mapping[K, float | None], what: str) -> dict[K, float | None]:
    present = _present(values, what)
    if any(v < 0 for v in present.values()):
        raise ValueError(f"raw {what} scores cannot be negative")
    top = max(present.values(), default=0.0)
    return {k: (None if v is None else (v / top if top > 0 else 0.0)) for k, v in values.items()}


def osi(raw: Mapping[K, float | None]) -> dict[K, float | None]:
    """OSI: min-max normalisation of the raw online-service scores (Survey annexes, 2012 on).

    In 2005-2010 the lowest published OSI is above 0, so those editions divided by the
    maximum (or had a zero-score country outside the table); `epi` is that rule.
    """
    if any(v < 0 for v in _present(raw, "OSI").values()):
        raise ValueError("raw OSI scores cannot be negative")
    return minmax(raw)


def epi(raw: Mapping[K, float | None]) -> dict[K, float | None]:
    """EPI: raw e-participation score over the highest raw score of the edition."""
    return _ratio_to_max(raw, "EPI")


def osi_raw_from_stages(counts: Mapping[str, int], maxima: Mapping[str, int]) -> float:
    """Share of online-service points earned, from features found per stage.

    Every assessed feature is one point whatever its stage (the Survey's stage tables
    2010-2016 report points per stage and their total), so the raw score is
    sum(counts) / sum(maxima): stages weigh by how many features they hold, not equally.
    Accepts the four-stage model (`STAGES`) or the five-stage one of 2003-2008.
    """
    if set(counts) != set(maxima):
        raise ValueError("counts and maxima must name the same stages")
    known = set(STAGES) | set(STAGES_2008)
    if unknown := set(counts) - known:
        raise ValueError(f"unknown stages {sorted(unknown)}; use {STAGES} or {STAGES_2008}")
    for stage, count in counts.items():
        if maxima[stage] < 0 or not 0 <= count <= maxima[stage]:
            raise ValueError(f"{stage}: count {count} must lie in 0..{maxima[stage]}")
    total = sum(maxima.values())
    if total == 0:
        raise ValueError("the stages hold no features")
    return sum(counts.values()) / total


def _tii_names(method: EditionMethod, only: Collection[str] | None) -> tuple[str, ...]:
    if only is None:
        return method.tii_indicators
    if extra := set(only) - set(method.tii_indicators):
        raise ValueError(f"{sorted(extra)} not in the {method.year} TII {method.tii_indicators}")
    if not only:
        raise ValueError("at least one TII indicator is needed")
    return tuple(n for n in method.tii_indicators if n in only)


def tii(
    indicators: Mapping[K, Mapping[str, float | None]],
    year: int,
    *,
    only: Collection[str] | None = None,
) -> dict[K, float | None]:
    """TII of every country from its raw indicators (per 100 inhabitants), by `year`'s method.

    Cap (2020 on: 120), standardise each indicator across the countries that have all of
    them (z-score from 2012, min-max before), take the equally weighted mean, and from 2012
    min-max normalise that composite. A country missing an indicator gets None. `only`
    restricts the edition's set (e.g. to the series one actually has), which is then an
    approximation of the published index.
    """
    method = edition(year)
    names = _tii_names(method, only)
    complete: dict[K, list[float]] = {}
    for key, row in indicators.items():
        raw = {name: row.get(name) for name in names}
        values = [_finite(v, f"{n} of {key!r}") for n, v in raw.items() if v is not None]
        if len(values) < len(names):
            continue
        if any(v < 0 for v in values):
            raise ValueError(f"negative telecom indicator for {key!r}")
        cap = method.tii_cap
        complete[key] = [min(v, cap) for v in values] if cap is not None else values
    standardise = zscore if method.tii_standardisation == "zscore" else minmax
    columns = [standardise({k: row[i] for k, row in complete.items()}) for i in range(len(names))]
    composite: dict[K, float | None] = {
        k: math.fsum(col[k] or 0.0 for col in columns) / len(names) for k in complete
    }
    result = minmax(composite) if method.tii_renormalised else composite
    return {k: result.get(k) for k in indicators}


def hci_component_index(component: str, raw: float) -> float:
    """One HCI component as an index in 0..1 from its raw value.

    Adult literacy and gross enrolment are percentages (enrolment can pass 100 and is cut
    off there); expected years of schooling over 18 and mean years of schooling over 15, the
    UNDP goalposts the 2014 Survey adopted (capped at 1).
    """
    goalpost = {
        ADULT_LITERACY: 100.0,
        GROSS_ENROLMENT: 100.0,
        EXPECTED_SCHOOLING: 18.0,
        MEAN_SCHOOLING: 15.0,
    }.get(component)
    if goalpost is None:
        raise ValueError(f"unknown HCI component {component!r}; use {HCI_COMPONENTS}")
    if _finite(raw, component) < 0:
        raise ValueError(f"{component} cannot be negative, got {raw!r}")
    return min(raw / goalpost, 1.0)


def hci(components: Mapping[str, float | None], year: int) -> float | None:
    """HCI of one country: the edition's weighted mean of its 0..1 component indices.

    Up to 2012: 2/3 adult literacy + 1/3 gross enrolment; from 2014: 1/3 adult literacy +
    2/9 gross enrolment + 2/9 expected + 2/9 mean years of schooling. None when one the
    edition uses is missing. (The published HCI from 2012 is this composite normalised
    across countries; see `hci_index`.)
    """
    if unknown := set(components) - set(HCI_COMPONENTS):
        raise ValueError(f"unknown HCI components {sorted(unknown)}; use {HCI_COMPONENTS}")
    weights = edition(year).hci_weights
    used = {name: components.get(name) for name in weights}
    if any(v is None for v in used.values()):
        return None
    return math.fsum(w * _unit(used[n] or 0.0, n) for n, w in weights.items())


#: From this edition the published HCI is min-max normalised across countries.
HCI_NORMALISED_FROM = 2012


def hci_index(
    components: Mapping[K, Mapping[str, float | None]], year: int
) -> dict[K, float | None]:
    """HCI of every country; from 2012 the composites are min-max normalised across them."""
    composite = {k: hci(row, year) for k, row in components.items()}
    return minmax(composite) if year >= HCI_NORMALISED_FROM else composite


# --- checks against the published tables ---------------------------------------------------

Row = tuple[float | None, float | None, float | None, float | None]  # OSI, HCI, TII, EGDI


def egdi_deviation(rows: Iterable[Row], *, year: int | None = None) -> float | None:
    """Largest |recomputed - published EGDI| over rows (OSI, HCI, TII, EGDI) with all four.

    Recomputed as the plain mean, or with `year`'s weights. None when no row is complete.
    Pass unscored countries' EGDI as None, not 0.
    """
    worst: float | None = None
    for o, h, t, published in rows:
        if o is None or h is None or t is None or published is None:
            continue
        gap = abs(egdi(o, h, t, year=year) - published)
        worst = gap if worst is None else max(worst, gap)
    return worst


def correlation(xs: Sequence[float | None], ys: Sequence[float | None]) -> float | None:
    """Pearson's r over the positions where both values are present; None if undefined."""
    if len(xs) != len(ys):
        raise ValueError("xs and ys must have the same length")
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None]
    if len(pairs) < 2:
        return None
    a = [_finite(x, "x") for x, _ in pairs]
    b = [_finite(y, "y") for _, y in pairs]
    try:
        return statistics.correlation(a, b)
    except statistics.StatisticsError:  # a constant series
        return None


def methodology_report(rows_by_year: Mapping[int, Iterable[Row]]) -> list[str]:
    """One line per edition: how far the recomputed EGDI is from the published one."""
    lines = []
    for year in sorted(rows_by_year):
        rows = [r for r in rows_by_year[year] if None not in r]
        mean_gap = egdi_deviation(rows)
        line = f"{year}: {len(rows)} countries, max |mean(OSI, HCI, TII) - EGDI| = "
        line += "n/a" if mean_gap is None else f"{mean_gap:.6f}"
        weights = edition(year).egdi_weights
        if weights != _THIRD:
            weighted = egdi_deviation(rows, year=year)
            shown = "/".join(f"{w:g}" for w in weights)
            line += f"; with the edition's weights {shown}: "
            line += "n/a" if weighted is None else f"{weighted:.6f}"
        lines.append(line)
    return lines


# --- self-assessment ----------------------------------------------------------------------


@dataclass(frozen=True)
class SelfAssessment:
    """Components, EGDI and where that EGDI would stand in a chosen edition."""

    osi: float
    hci: float
    tii: float
    egdi: float
    group: str
    rating_class: str | None
    rank: int
    out_of: int
    year: int
    notes: tuple[str, ...] = ()


SELF = "__self__"
_TIE = 1e-9  # float noise: 0.8, 0.9, 0.7 average to 0.7999999999999999, a tie with 0.8
_hci_of = hci  # self_assess's keyword arguments shadow the module's functions


def _self_tii(
    method: EditionMethod,
    raw: Mapping[str, float],
    reference: Mapping[str, Mapping[str, float | None]] | None,
    notes: list[str],
) -> float:
    if missing := [n for n in method.tii_indicators if n not in raw]:
        raise ValueError(f"the {method.year} TII needs {missing} as well")
    if reference is not None:
        value = tii({**reference, SELF: dict(raw)}, method.year)[SELF]
        assert value is not None
        notes.append("TII standardised against the given reference countries")
        return value
    # Without the edition's raw table there is nothing to standardise against: use fixed
    # goalposts (the cut-off, else 100 per 100 inhabitants) and say so.
    goalpost = method.tii_cap or 100.0
    parts = []
    for name in method.tii_indicators:
        value = _finite(raw[name], name)
        if value < 0:
            raise ValueError(f"{name} cannot be negative, got {value!r}")
        parts.append(min(value, goalpost) / goalpost)
    notes.append(f"TII approximated: each indicator over {goalpost:g}, no reference countries")
    return math.fsum(parts) / len(parts)


def self_assess(
    *,
    year: int,
    published: Mapping[str, float | None],
    osi: float | None = None,
    hci: float | None = None,
    tii: float | None = None,
    tii_indicators: Mapping[str, float] | None = None,
    hci_components: Mapping[str, float] | None = None,
    stage_counts: Mapping[str, int] | None = None,
    stage_maxima: Mapping[str, int] | None = None,
    tii_reference: Mapping[str, Mapping[str, float | None]] | None = None,
) -> SelfAssessment:
    """Compute a country's components from what it has and rank it within `year`'s edition.

    Each component comes from its value (0..1) if given, else from raw inputs: OSI from
    services per stage (`stage_counts` with `stage_maxima`), HCI from its 0..1 component
    indices (from 2012 the raw composite: a note says it is not normalised as the published
    HCI is), TII from raw indicators per 100 inhabitants (standardised against
    `tii_reference` if given, else approximated). `published` = {ISO3: EGDI} of the
    edition (None = unscored); the rank is the competition rank among them plus this one,
    a published value within 1e-9 of this EGDI counting as a tie.
    """
    method = edition(year)
    scored = [_unit(v, "published EGDI") for v in published.values() if v is not None]
    if not scored:
        raise ValueError(f"no published EGDI given for {year}: nothing to rank against")
    notes: list[str] = []
    if osi is None and stage_counts is not None:
        if stage_maxima is None:
            raise ValueError("stage_counts need stage_maxima (features assessed per stage)")
        osi = osi_raw_from_stages(stage_counts, stage_maxima)
        notes.append("OSI approximated by the share of points (assumes min raw 0, max all)")
    if hci is None and hci_components is not None:
        hci = _hci_of(hci_components, year)
        if hci is None:
            needed = sorted(method.hci_weights)
            raise ValueError(f"the {year} HCI needs all of {needed}")
        if year >= HCI_NORMALISED_FROM:
            # Normalising needs every country's composite, which the shipped data lack.
            notes.append(
                f"HCI not normalised: the published {year} HCI is the composite min-max "
                "normalised across countries; this is the raw weighted composite"
            )
    if tii is None and tii_indicators is not None:
        tii = _self_tii(method, tii_indicators, tii_reference, notes)
    if missing := [n for n, v in (("OSI", osi), ("HCI", hci), ("TII", tii)) if v is None]:
        raise ValueError(f"insufficient inputs: give a value or raw inputs for {missing}")
    assert osi is not None
    assert hci is not None
    assert tii is not None
    total = egdi(osi, hci, tii, year=year)
    group = egdi_group(total)
    assert group is not None
    return SelfAssessment(
        osi=osi,
        hci=hci,
        tii=tii,
        egdi=total,
        group=group,
        rating_class=rating_class(total, year),
        rank=1 + sum(v > total + _TIE for v in scored),
        out_of=len(scored) + 1,
        year=year,
        notes=tuple(notes),
    )
