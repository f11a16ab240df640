"""The methodology checked against the shipped tables: what `govhub indices methodology` prints.

Pure Python, no Django (like `compute` and `sources`, whose functions it combines): per
edition, the largest gap between the published EGDI and the mean of its published components
(and with the edition's weights where they differ), and the 2012 TII rebuilt from the ITU
series in `data/itu-inputs/` with its Pearson correlation against the published TII.

The rebuilt TII uses four of the five 2012 series (OWID republishes the World Bank's WDI
revision of the ITU data, without fixed Internet subscriptions), each country's value of the
data year or, failing that, of the year before; so it approximates the published index.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from govhub.indices import compute, sources

OWID = sources.DATA_DIR / "itu-inputs" / "owid_ict-adoption-per-100-people.csv"
#: The 2012 TII series OWID carries, by `compute`'s indicator name.
OWID_COLUMNS: Mapping[str, str] = {
    compute.FIXED_TELEPHONE: "Fixed telephone subscriptions (per 100 people)",
    compute.FIXED_BROADBAND: "Fixed broadband subscriptions (per 100 people)",
    compute.MOBILE_CELLULAR: "Mobile cellular subscriptions (per 100 people)",
    compute.INTERNET_USERS: "Individuals using the Internet (% of population)",
}
TII_YEAR = 2012
DATA_YEARS = (2010, 2011)  # year-end 2010 is what the 2012 Survey could use; 2011 for contrast

Series = Mapping[tuple[str, str], Mapping[int, float]]  # (ISO3, indicator) -> {year: value}


@dataclass(frozen=True)
class TiiCheck:
    """The TII of `year` rebuilt from the series of `data_year`, against the published one."""

    year: int
    data_year: int
    indicators: tuple[str, ...]
    countries: int  # countries with a published TII and every series
    r: float | None  # Pearson's r between rebuilt and published


def egdi_rows(dataset: sources.Dataset) -> dict[int, list[compute.Row]]:
    """(OSI, HCI, TII, EGDI) of every country, per edition, as published."""
    rows: dict[int, list[compute.Row]] = defaultdict(list)
    for s in dataset.scores:
        rows[s.year].append((s.osi, s.hci, s.tii, s.egdi))
    return dict(rows)


def owid_series(path: Path = OWID) -> dict[tuple[str, str], dict[int, float]]:
    """The OWID telecom series per (ISO3, indicator) and year."""
    series: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for name, column in OWID_COLUMNS.items():
                if row[column]:
                    series[(row["Code"], name)][int(row["Year"])] = float(row[column])
    return dict(series)


def latest(series: Series, iso3: str, name: str, year: int) -> float | None:
    """The value for `year`, else the year before (the Survey used the latest available)."""
    values = series.get((iso3, name), {})
    return values.get(year, values.get(year - 1))


def tii_2012_check(
    dataset: sources.Dataset, data_year: int, series: Series | None = None
) -> TiiCheck:
    """The 2012 TII rebuilt from the OWID series of `data_year`, correlated with the published."""
    series = owid_series() if series is None else series
    published = {s.iso3: s.tii for s in dataset.scores if s.year == TII_YEAR and s.tii is not None}
    indicators = {
        iso3: {name: latest(series, iso3, name, data_year) for name in OWID_COLUMNS}
        for iso3 in published
    }
    rebuilt = compute.tii(indicators, TII_YEAR, only=OWID_COLUMNS)
    keys = sorted(published)
    return TiiCheck(
        year=TII_YEAR,
        data_year=data_year,
        indicators=tuple(n for n in compute.edition(TII_YEAR).tii_indicators if n in OWID_COLUMNS),
        countries=sum(rebuilt[k] is not None for k in keys),
        r=compute.correlation([rebuilt[k] for k in keys], [published[k] for k in keys]),
    )


def report(
    dataset: sources.Dataset | None = None, data_years: Sequence[int] = DATA_YEARS
) -> list[str]:
    """The EGDI line of every edition (`compute.methodology_report`), then the TII checks."""
    dataset = sources.load() if dataset is None else dataset
    lines = compute.methodology_report(egdi_rows(dataset))
    series = owid_series()
    for data_year in data_years:
        check = tii_2012_check(dataset, data_year, series)
        r = "n/a" if check.r is None else f"{check.r:.3f}"
        lines.append(
            f"TII {check.year} rebuilt from {len(check.indicators)} of "
            f"{len(compute.edition(check.year).tii_indicators)} series "
            f"({', '.join(check.indicators)}; {check.data_year} data, else the year before): "
            f"{check.countries} countries, Pearson r with the published TII = {r}"
        )
    return lines
