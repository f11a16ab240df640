"""Read the UN E-Government Survey files in `data/` into one dataset keyed by ISO3.

Pure Python (the csv module); no Django, so the rules can be checked without a database.
`data/SOURCES.md` says where every file comes from.

Which file is authoritative for which edition
---------------------------------------------
- 2005, 2008, 2020: `EGOV_MERGED_2005_2024.csv` (the merged table), the only source.
- 2010, 2012, 2014, 2016, 2018: the UNU-EGOV per-year files (`unu-egov_egdi-<year>.csv`):
  they carry ISO3 codes and write missing values as blanks.
- 2022: `EGOV_DATA_2022.csv`, an unmodified UN Data Center export (joined by name).
- 2024: `EGOV_DATA_2024_modified.csv` (headers renamed by its uploader; its `Region`
  column is hand-made and wrong in places, so it is ignored).
The other files holding an edition (the merged table for 2010-2024, the UN exports for
2014, 2016 and 2018) are only compared with the authoritative one: `cross_check()` lists
every value on which they disagree once both are read by the rules below (none do).

Zero and missing
----------------
The merged table writes missing values as 0, the UNU files as blanks, and every source
writes the EGDI of a country the Survey did not score as 0 (with a placeholder rank:
180 in 2005, 184 in 2010, 191 in 2012). So, for every source alike:
1. A blank is missing.
2. EGDI 0 (or blank) means the Survey did not score the country in that edition: EGDI and
   rank are missing, and so is every component written as 0 (a filler cannot be told from
   a measurement there); its non-zero components are published values and are kept.
3. In a scored row, OSI, HCI and TII of 0 are kept as published zeros when the EGDI is the
   mean of the three with the zero (within rounding) rather than the mean of the others;
   otherwise the zero is missing. In the shipped files every such zero passes (e.g. Somalia's
   HCI 2012-2024, Palau's TII 2005): the Survey computed the EGDI with it.
4. In a scored row, EPI 0 is a published score (e.g. Iraq 2005, 43 countries in 2005) and
   is kept; the EPI is not part of the EGDI, so rule 3 cannot check it.
Values are rounded to 6 decimals (the UNU files carry float noise such as 0.6955600000000001).

Countries, names, regions
-------------------------
The 193 Member States are the rows of `unu-egov_countries-data.csv`, which also gives the
income group (World Bank, 2018; the only vintage shipped). Region, sub-region, M49 code and
the LDC/LLDC/SIDS flags come from the UNSD M49 file (one vintage, not per edition); the
sub-region is M49's intermediate region where it has one (Middle Africa, Caribbean, South
America...), else its sub-region, as the Survey groups countries. Names are joined to ISO3
through every name the classification files give a Member State (case, spacing and
apostrophes ignored), plus `ALIASES`; the display name is the merged table's (2024 Survey
spelling, e.g. Türkiye). Whatever cannot be matched is reported in `Dataset.unmatched`.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

EDITIONS: tuple[int, ...] = (2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024)
DATA_DIR = Path(__file__).resolve().parent / "data"

MERGED = "EGOV_MERGED_2005_2024.csv"
COUNTRIES_FILE = "classification/unu-egov_countries-data.csv"
COUNTRIES_EN_FILE = "classification/unu-egov_countries-data_EN.csv"
M49_FILE = "classification/UNSD_M49_Methodology.csv"
ISO_FILE = "classification/lukes_iso3166_m49_all.csv"

# Names found in the score files that no classification file spells: name -> ISO3.
ALIASES: Mapping[str, str] = {
    "Türkiye": "TUR",  # 2022/2024 spelling; the classification files say Turkey
    "Korea, South": "KOR",  # shortened by the uploader of EGOV_DATA_2018.csv
    "Korea, North": "PRK",
}

FIELDS = ("rank", "egdi", "epi", "osi", "hci", "tii")
_UN_COLUMNS = (
    "E-Government Rank",
    "E-Government Index",
    "E-Participation Index",
    "Online Service Index",
    "Human Capital Index",
    "Telecommunication Infrastructure Index",
)
_UNU_COLUMNS = ("e-gov-rank", "e-gov-index", "e-pat-index", "osi", "hci", "tii")
_MODIFIED_2024_COLUMNS = (
    "Rank",
    "E_Index",
    "E_Participation",
    "Online_Service",
    "Human_Capital",
    "Tele_Infra",
)
_DECIMALS = 6


@dataclass(frozen=True)
class Country:
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
class Score:
    iso3: str
    year: int
    rank: int | None
    egdi: float | None
    osi: float | None
    hci: float | None
    tii: float | None
    epi: float | None


@dataclass(frozen=True)
class Unmatched:
    source: str
    name: str
    reason: str


@dataclass
class Dataset:
    countries: dict[str, Country]
    scores: list[Score]
    unmatched: list[Unmatched]


@dataclass(frozen=True)
class _Layout:
    """Where one file keeps its columns; `suffix` is added to each (the merged table)."""

    path: str
    columns: tuple[str, ...]
    name_column: str
    iso3_column: str = ""
    code_column: str = ""  # an uploader-added ISO3 column, used only when the name fails
    suffix: bool = False


_UNU = {
    year: _Layout(
        f"un-egdi-by-year/unu-egov_egdi-{year}.csv",
        _UNU_COLUMNS,
        "country-name",
        iso3_column="country-code",
    )
    for year in (2010, 2012, 2014, 2016, 2018)
}
_MERGED = _Layout(MERGED, _UN_COLUMNS, "Country Name", suffix=True)
_EXPORT_2014 = _Layout("un-egdi-by-year/EGOV_DATA_2014.csv", _UN_COLUMNS, "Country Name")
_EXPORT_2016 = _Layout("un-egdi-by-year/EGOV_DATA_2016.csv", _UN_COLUMNS, "Country Name")
_EXPORT_2018 = _Layout(
    "un-egdi-by-year/EGOV_DATA_2018.csv", _UN_COLUMNS, "Country Name", code_column="CODE"
)
_EXPORT_2022 = _Layout("un-egdi-by-year/EGOV_DATA_2022.csv", _UN_COLUMNS, "Country Name")
_MODIFIED_2024 = _Layout(
    "un-egdi-by-year/EGOV_DATA_2024_modified.csv", _MODIFIED_2024_COLUMNS, "Country"
)

AUTHORITATIVE: Mapping[int, _Layout] = {
    2005: _MERGED,
    2008: _MERGED,
    **_UNU,
    2020: _MERGED,
    2022: _EXPORT_2022,
    2024: _MODIFIED_2024,
}
_ALSO: Mapping[int, tuple[_Layout, ...]] = {
    2010: (_MERGED,),
    2012: (_MERGED,),
    2014: (_MERGED, _EXPORT_2014),
    2016: (_MERGED, _EXPORT_2016),
    2018: (_MERGED, _EXPORT_2018),
    2022: (_MERGED,),
    2024: (_MERGED,),
}


def authoritative_file(year: int) -> str:
    """The file (relative to the data folder) whose values are imported for `year`."""
    return AUTHORITATIVE[year].path


def _read(path: Path, *, delimiter: str = ",") -> list[dict[str, str]]:
    # utf-8-sig: the M49 and the _EN files start with a byte-order mark.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def name_key(name: str) -> str:
    """Compare names ignoring case, spacing, Unicode form and typographic apostrophes."""
    text = unicodedata.normalize("NFC", name).replace("\u2019", "'")
    return " ".join(text.split()).casefold()


def _number(text: str | None) -> float | None:
    text = (text or "").strip()
    return round(float(text), _DECIMALS) if text else None


def _rank(text: str | None) -> int | None:
    value = _number(text)
    return int(value) if value is not None else None


@dataclass
class _Classification:
    members: dict[str, dict[str, str]]  # ISO3 -> row of the countries file
    m49: dict[str, dict[str, str]]  # ISO3 -> row of the M49 file
    names: dict[str, str] = field(default_factory=dict)  # name_key -> ISO3

    def iso3_of(self, name: str) -> str | None:
        return self.names.get(name_key(name))


def _classification(data_dir: Path) -> _Classification:
    members = {r["country-code"]: r for r in _read(data_dir / COUNTRIES_FILE) if r["country-code"]}
    m49 = {r["ISO-alpha3 Code"]: r for r in _read(data_dir / M49_FILE) if r["ISO-alpha3 Code"]}
    found = _Classification(members, m49)
    spellings: list[tuple[str, str]] = [(r["country-name"], iso) for iso, r in members.items()]
    for row in _read(data_dir / COUNTRIES_EN_FILE, delimiter=";"):
        code = row.get("COUNTRY CODE", "")
        spellings += [(row.get("COMMON NAME", ""), code), (row.get("OFFICIAL NAME", ""), code)]
    spellings += [(r["Country or Area"], iso) for iso, r in m49.items()]
    spellings += [(r["name"], r["alpha-3"]) for r in _read(data_dir / ISO_FILE)]
    spellings += list(ALIASES.items())
    for name, iso3 in spellings:
        if iso3 in members and name.strip():
            found.names.setdefault(name_key(name), iso3)
    return found


@dataclass(frozen=True)
class _Row:
    name: str
    iso3: str | None
    values: tuple[str, ...]  # in FIELDS order


def _rows(layout: _Layout, year: int, data_dir: Path, cls: _Classification) -> Iterator[_Row]:
    columns = tuple(f"{c} {year}" if layout.suffix else c for c in layout.columns)
    for raw in _read(data_dir / layout.path):
        name = raw[layout.name_column].strip()
        if layout.iso3_column:
            iso3: str | None = raw[layout.iso3_column].strip()
        else:
            iso3 = cls.iso3_of(name)
            code = raw.get(layout.code_column, "").strip() if layout.code_column else ""
            if iso3 is None and code in cls.members:
                iso3 = code
        yield _Row(name, iso3, tuple(raw[c] for c in columns))


def _zeros_used(egdi: float, parts: tuple[float, float, float]) -> bool:
    """Whether the EGDI is the mean of the three components with their zeros (rule 3)."""
    others = [p for p in parts if p]
    with_zeros = sum(parts) / 3
    without = sum(others) / len(others) if others else 0.0
    return abs(egdi - with_zeros) <= abs(egdi - without)


def clean_score(iso3: str, year: int, values: tuple[str, ...]) -> Score:
    """One country's row of one edition, read by the zero/missing rules of this module."""
    rank, egdi, epi, osi, hci, tii = (
        _rank(values[0]),
        *(_number(v) for v in values[1:]),
    )
    if not egdi:  # rule 2: not scored in this edition
        return Score(iso3, year, None, None, osi or None, hci or None, tii or None, epi or None)
    if osi is not None and hci is not None and tii is not None:
        parts = (osi, hci, tii)
        if 0 in parts and not _zeros_used(egdi, parts):
            osi, hci, tii = (p or None for p in parts)
    return Score(iso3, year, rank, egdi, osi, hci, tii, epi)


def _edition_scores(
    year: int, layout: _Layout, data_dir: Path, cls: _Classification, unmatched: list[Unmatched]
) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    where = f"{layout.path} ({year})"
    for row in _rows(layout, year, data_dir, cls):
        if row.iso3 is None:
            unmatched.append(Unmatched(where, row.name, "no Member State has this name"))
        elif row.iso3 not in cls.members:
            unmatched.append(Unmatched(where, row.name, f"{row.iso3} is not a Member State"))
        elif row.iso3 in scores:
            unmatched.append(Unmatched(where, row.name, f"a second row for {row.iso3}"))
        else:
            scores[row.iso3] = clean_score(row.iso3, year, row.values)
    for iso3 in sorted(cls.members.keys() - scores.keys()):
        name = cls.members[iso3]["country-name"]
        unmatched.append(Unmatched(where, name, f"no row for {iso3} in this edition"))
    return scores


def _countries(
    data_dir: Path, cls: _Classification, unmatched: list[Unmatched]
) -> dict[str, Country]:
    display = {}
    for row in _rows(_MERGED, EDITIONS[-1], data_dir, cls):
        if row.iso3 is not None:
            display[row.iso3] = row.name
    countries: dict[str, Country] = {}
    for iso3, member in sorted(cls.members.items()):
        m49 = cls.m49.get(iso3)
        if m49 is None:
            unmatched.append(Unmatched(M49_FILE, member["country-name"], f"no M49 row for {iso3}"))
            m49 = {}
        countries[iso3] = Country(
            iso3=iso3,
            name=display.get(iso3) or m49.get("Country or Area") or member["country-name"],
            m49=m49.get("M49 Code", "").zfill(3) if m49 else "",
            region=m49.get("Region Name", ""),
            subregion=m49.get("Intermediate Region Name") or m49.get("Sub-region Name", ""),
            income=member.get("income", "").strip() or None,
            ldc=bool(m49.get("Least Developed Countries (LDC)", "").strip()),
            lldc=bool(m49.get("Land Locked Developing Countries (LLDC)", "").strip()),
            sids=bool(m49.get("Small Island Developing States (SIDS)", "").strip()),
        )
    return countries


def load(data_dir: Path | None = None) -> Dataset:
    """Every edition's scores for the 193 Member States, with what could not be matched."""
    data_dir = data_dir or DATA_DIR
    cls = _classification(data_dir)
    unmatched: list[Unmatched] = []
    countries = _countries(data_dir, cls, unmatched)
    scores: list[Score] = []
    for year in EDITIONS:
        by_country = _edition_scores(year, AUTHORITATIVE[year], data_dir, cls, unmatched)
        scores.extend(by_country[iso3] for iso3 in sorted(by_country))
    return Dataset(countries=countries, scores=scores, unmatched=unmatched)


def cross_check(data_dir: Path | None = None) -> list[str]:
    """Every value on which a non-authoritative file disagrees with the authoritative one."""
    data_dir = data_dir or DATA_DIR
    cls = _classification(data_dir)
    problems: list[str] = []
    for year, layouts in _ALSO.items():
        ignored: list[Unmatched] = []
        main = _edition_scores(year, AUTHORITATIVE[year], data_dir, cls, ignored)
        for layout in layouts:
            other = _edition_scores(year, layout, data_dir, cls, ignored)
            for iso3 in sorted(main.keys() | other.keys()):
                if main.get(iso3) != other.get(iso3):
                    problems.append(
                        f"{year} {iso3}: {AUTHORITATIVE[year].path} has {main.get(iso3)}, "
                        f"{layout.path} has {other.get(iso3)}"
                    )
        problems += [f"{year}: {u.source}: {u.name}: {u.reason}" for u in ignored]
    return problems
