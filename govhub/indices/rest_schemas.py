"""The request and response schemas of the indices REST API (`rest.py`).

Field names are the queries' dataclass fields (`rest.records` copies them in the schema's
order, for JSON and CSV alike). The self-assessment input is bounded: known keys only, at
most one entry per key, finite numbers in range; an oversized or unknown key is refused with
one short error before any entry is validated.
"""

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from ninja import Field, Schema
from pydantic import field_validator

from govhub.indices import queries, queries_groups

FORMATS = ("json", "csv")


def _enum(values: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {"enum": list(values)}


class FormatQuery(Schema):
    format: str = Field(
        "json",
        description="json, or csv: text/csv with a header row, missing values empty",
        json_schema_extra=_enum(FORMATS),
    )


class AreaQuery(FormatQuery):
    region: str | None = Field(None, description="A region, e.g. Europe (any case)")
    subregion: str | None = Field(None, description="A sub-region, e.g. Northern Europe")


class RankingQuery(AreaQuery):
    top: int | None = Field(None, description="The first N ranked (and any tied with the Nth)")
    method: str = Field(
        "competition",
        description="Ties: competition (1, 2, 2, 4, as the Survey) or dense (1, 2, 2, 3)",
        json_schema_extra=_enum(queries.METHODS),
    )


class LeadersQuery(AreaQuery):
    index: str = Field("egdi", json_schema_extra=_enum(queries.INDICES))
    top: int = Field(10, description="The first N (and any tied with the Nth)")


class AggregatesQuery(FormatQuery):
    by: str = Field("world", json_schema_extra=_enum(queries_groups.GROUP_BYS))
    denominator: str | None = Field(
        None,
        description="scored (leave unscored out) or all (unscored count as 0); "
        "default: what the edition's own averages used",
        json_schema_extra=_enum(queries_groups.DENOMINATORS),
    )
    index: str = Field("egdi", json_schema_extra=_enum(queries.INDICES))


class CompareQuery(FormatQuery):
    year_from: int = Field(..., alias="from", description="The earlier edition")
    year_to: int = Field(..., alias="to", description="The later edition")
    by: str | None = Field(
        None,
        description="Compare group means; without it, every country (its value of `index` "
        "and its world EGDI rank)",
        json_schema_extra=_enum(queries_groups.GROUP_BYS),
    )
    country: str | None = Field(None, description="Only this country (ISO3); not with `by`")
    denominator: str | None = Field(
        None,
        description="One denominator for both editions; default: their common default, else scored",
        json_schema_extra=_enum(queries_groups.DENOMINATORS),
    )
    index: str = Field(
        "egdi",
        description="The index compared; country rows keep the world EGDI rank",
        json_schema_extra=_enum(queries.INDICES),
    )


class EditionOut(Schema):
    year: int
    source: str
    imported_at: datetime
    default_denominator: str
    members: int
    scored: int
    rating_classes: bool


class RowOut(Schema):
    year: int
    rank: int | None = Field(description="World rank by EGDI; null when not scored")
    published_rank: int | None = Field(description="The rank the Survey printed")
    iso3: str
    country: str
    region: str
    subregion: str
    income: str | None
    egdi: float | None
    osi: float | None
    hci: float | None
    tii: float | None
    epi: float | None
    group: str | None = Field(description="very_high, high, middle or low")
    rating_class: str | None = Field(description="From 2020: VH, V3 ... L1")


class LeaderOut(Schema):
    position: int
    world_position: int
    year: int
    index: str
    value: float
    iso3: str
    country: str
    region: str
    subregion: str


class AggregateOut(Schema):
    year: int
    by: str
    group: str = Field(description="The group as the data name it (World, Africa, LDC...)")
    index: str
    denominator: str = Field(description="What `count` and `mean` divided by: scored or all")
    members: int
    count: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None


class GroupChangeOut(Schema):
    by: str
    group: str = Field(description="The group as the data name it (never translated)")
    index: str
    year_from: int
    year_to: int
    denominator_from: str = Field(description="scored or all; the same on both sides")
    denominator_to: str
    count_from: int
    count_to: int
    mean_from: float | None
    mean_to: float | None
    change: float | None = Field(description="Points: mean_to - mean_from")
    change_pct: float | None = Field(description="Per cent of mean_from")


class CountryChangeOut(Schema):
    iso3: str
    country: str
    region: str
    subregion: str
    index: str = Field(description="The index that mean_from, mean_to and change are of")
    year_from: int
    year_to: int
    rank_from: int | None = Field(
        description="World rank by EGDI in year_from, whatever `index`; null when unscored"
    )
    rank_to: int | None = Field(description="World rank by EGDI in year_to, whatever `index`")
    rank_change: int | None = Field(description="Places moved up: rank_from - rank_to")
    mean_from: float | None = Field(
        description="The country's value of `index` in year_from (named as in group rows)"
    )
    mean_to: float | None = Field(description="The country's value of `index` in year_to")
    change: float | None = Field(description="Points: mean_to - mean_from")
    change_pct: float | None = Field(description="Per cent of mean_from")


class CountryOut(Schema):
    iso3: str
    name: str
    m49: str
    region: str
    subregion: str
    income: str | None
    ldc: bool
    lldc: bool
    sids: bool


class ProfileOut(Schema):
    country: CountryOut
    editions: list[RowOut]


StageName = Literal[
    "emerging", "enhanced", "interactive", "transactional", "connected", "networked"
]
HciComponent = Literal["adult_literacy", "gross_enrolment", "expected_schooling", "mean_schooling"]
TiiIndicator = Literal[
    "internet_users",
    "fixed_telephone",
    "mobile_cellular",
    "fixed_broadband",
    "fixed_internet",
    "wireless_broadband",
    "active_mobile_broadband",
    "personal_computers",
    "online_population",
    "television_sets",
]
Features = Annotated[int, Field(ge=0, le=100_000)]
UnitValue = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
RawValue = Annotated[float, Field(ge=0, le=1_000, allow_inf_nan=False)]
STAGE_NAMES: tuple[str, ...] = get_args(StageName)
HCI_COMPONENTS: tuple[str, ...] = get_args(HciComponent)
TII_INDICATORS: tuple[str, ...] = get_args(TiiIndicator)
_KEYS = {
    "stage_counts": STAGE_NAMES,
    "stage_maxima": STAGE_NAMES,
    "hci_components": HCI_COMPONENTS,
    "hci_raw": HCI_COMPONENTS,
    "tii_indicators": TII_INDICATORS,
}


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class SelfAssessmentIn(Schema):
    year: int = Field(..., ge=1900, le=9999, description="The edition to rank against")
    osi: float | None = Field(None, ge=0, le=1, description="OSI if known (0..1)")
    hci: float | None = Field(None, ge=0, le=1, description="HCI if known (0..1)")
    tii: float | None = Field(None, ge=0, le=1, description="TII if known (0..1)")
    stage_counts: dict[StageName, Features] | None = Field(
        None,
        description="OSI from features found per stage: emerging, enhanced, transactional, "
        "connected (or the 2003-2008 five stages); needs stage_maxima",
    )
    stage_maxima: dict[StageName, Features] | None = Field(
        None, description="Features assessed per stage"
    )
    hci_components: dict[HciComponent, UnitValue] | None = Field(
        None,
        description="HCI from its component indices (0..1): adult_literacy, gross_enrolment, "
        "expected_schooling, mean_schooling (the last two from 2014)",
    )
    hci_raw: dict[HciComponent, RawValue] | None = Field(
        None,
        description="HCI from raw values: adult_literacy and gross_enrolment in %, "
        "expected_schooling and mean_schooling in years",
    )
    tii_indicators: dict[TiiIndicator, RawValue] | None = Field(
        None,
        description="TII from the edition's telecom indicators per 100 inhabitants, e.g. "
        "internet_users, fixed_broadband, active_mobile_broadband, mobile_cellular",
    )

    @field_validator(*_KEYS, mode="before")
    @classmethod
    def _known_keys_only(cls, value: Any, info: Any) -> Any:
        """Refuse an oversized or unknown key with one short error, before each entry would
        be validated (and echoed back in the error's location) one by one."""
        allowed = _KEYS[info.field_name]
        if not isinstance(value, dict):
            return value  # None, or a wrong type pydantic reports itself
        if len(value) > len(allowed):
            raise ValueError(f"at most {len(allowed)} entries, got {len(value)}")
        if unknown := [k for k in value if k not in allowed]:
            raise ValueError(f"unknown key {_clip(str(unknown[0]))!r}; use {', '.join(allowed)}")
        return value


class SelfAssessmentOut(Schema):
    osi: float
    hci: float
    tii: float
    egdi: float
    group: str
    rating_class: str | None
    rank: int = Field(description="Where this EGDI would stand among the edition's scores")
    out_of: int
    year: int
    notes: list[str]
