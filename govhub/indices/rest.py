"""REST: the UN E-Government Survey indices (rankings, aggregates, comparisons, profiles).

Every read is public and also answers as CSV with `?format=csv`: the same field names as the
JSON, one header row, missing values as empty cells (null in JSON, never 0). The data change
only on import, so each read carries `Cache-Control: public, max-age=300` and an ETag made
of GovHub's release (a deploy may render differently), `queries.data_version()` and the
request's parameters in canonical form (If-None-Match -> 304, `*` included), and each
process keeps its rendered bodies per data version: a repeated read costs the one small
version query. Bodies hold no translated text (group labels are the data's own words), so
neither the ETag nor the cache depends on the language.

Cache keys are built from validated, canonical values only (the region as the data spell
it, the ISO3 code in upper case, `top` capped at the number of countries), so spelling
variants of one request share one entry; the cache's budget counts keys and bodies.

Route order: `{int:year}` matches digits only, so `/indices/editions`, `/indices/compare`,
`/indices/countries/{iso3}` and `/indices/self-assessment` are never read as a year (a test
requests each of them).
"""

import csv
import functools
import hashlib
import importlib.metadata
import io
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from govhub.core.api import PUBLIC_OPERATION, InvalidInput
from govhub.indices import api, queries, queries_groups
from govhub.indices.rest_schemas import (
    FORMATS,
    AggregateOut,
    AggregatesQuery,
    CompareQuery,
    CountryChangeOut,
    CountryOut,
    EditionOut,
    FormatQuery,
    GroupChangeOut,
    LeaderOut,
    LeadersQuery,
    ProfileOut,
    RankingQuery,
    RowOut,
    SelfAssessmentIn,
    SelfAssessmentOut,
)

router = Router(tags=["indices"])

CACHE_CONTROL = "public, max-age=300"


# A public read that also answers as CSV (`?format=csv`) and with 304 to a known ETag.
PUBLIC_READ: dict[str, Any] = {
    **PUBLIC_OPERATION,
    "responses": {
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        304: {"description": "Not modified (the ETag sent in If-None-Match still holds)"},
    },
}


# --- one way to answer a read: JSON or CSV, cached, with an ETag ---------------------------


class _Rendered:
    """This process's rendered bodies by data version and request; emptied past a budget
    that counts the keys as well as the bodies."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.bodies: dict[tuple[Any, ...], bytes] = {}

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        return self.bodies.get(key)

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
        if key in self.bodies:
            return
        cost = len(body) + len(repr(key).encode())
        if self.size + cost > self.budget:  # old versions and rare requests go too
            self.bodies.clear()
            self.size = 0
        self.bodies[key] = body
        self.size += cost


_rendered = _Rendered(budget=8 * 1024 * 1024)  # the 2024 ranking in JSON is 56 kB


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def records(rows: Any, schema: type[Schema]) -> list[dict[str, Any]]:
    """Rows (dataclasses) as JSON-ready dicts with the schema's fields, in its order."""
    fields = tuple(schema.model_fields)
    return [{f: _plain(getattr(row, f)) for f in fields} for row in rows]


def to_csv(fields: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    """A header row, then one line per record; None as an empty cell, booleans as JSON's."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        cells = (row[f] for f in fields)
        writer.writerow(
            "" if v is None else ("true" if v else "false") if isinstance(v, bool) else v
            for v in cells
        )
    return out.getvalue()


def _format(value: str) -> str:
    if value not in FORMATS:
        raise InvalidInput(
            _("Unknown format %(value)r; use json or csv.") % {"value": value},
            code="invalid_format",
        )
    return value


@functools.cache
def release() -> str:
    """GovHub's version as installed (part of every ETag: a deploy may render differently)."""
    try:
        return importlib.metadata.version("govhub")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "source"


def _answer(
    request: HttpRequest,
    *,
    fmt: str,
    key: tuple[Any, ...],
    filename: str,
    schema: type[Schema],
    build: Callable[[], tuple[Any, list[dict[str, Any]]]],
) -> HttpResponse:
    """Render `build()` (the JSON body and the CSV records) once per data version.

    `key` holds the request's validated, canonical parameters; call inside
    `queries.one_version()` so that canonicalising them, the ETag and the body all read one
    snapshot (and the version is queried once).
    """
    fmt = _format(fmt)
    with queries.one_version() as version:
        whole = (release(), version, fmt, *key)
        digest = hashlib.blake2b(repr(whole).encode(), digest_size=12).hexdigest()
        etag = f'W/"{digest}"'
        if _matches(request.headers.get("If-None-Match", ""), etag):
            response = HttpResponse(status=304)
        else:
            body = _rendered.get(whole)
            if body is None:
                document, rows = build()
                if fmt == "csv":
                    body = to_csv(tuple(schema.model_fields), rows).encode()
                else:
                    body = json.dumps(document, ensure_ascii=False).encode()
                _rendered.put(whole, body)
            response = HttpResponse(body, content_type=f"{_content_type(fmt)}; charset=utf-8")
            if fmt == "csv":
                response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _matches(header: str, etag: str) -> bool:
    """If-None-Match's weak comparison (W/"x" and "x" are the same tag); `*` matches any."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _content_type(fmt: str) -> str:
    return "text/csv" if fmt == "csv" else "application/json"


def _table(
    rows: Callable[[], Any], schema: type[Schema]
) -> Callable[[], tuple[Any, list[dict[str, Any]]]]:
    """A build for `_answer` whose JSON body is the CSV's records."""

    def build() -> tuple[Any, list[dict[str, Any]]]:
        table = records(rows(), schema)
        return table, table

    return build


# --- reads --------------------------------------------------------------------------------


@router.get(
    "/indices/editions",
    response=list[EditionOut],
    auth=None,
    openapi_extra=PUBLIC_READ,
    summary="Imported Survey editions",
)
def editions(
    request: HttpRequest,
    params: FormatQuery = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> HttpResponse:
    return _answer(
        request,
        fmt=params.format,
        key=("editions",),
        filename="egdi-editions",
        schema=EditionOut,
        build=_table(queries.editions, EditionOut),
    )


@router.get(
    "/indices/compare",
    response=list[GroupChangeOut] | list[CountryChangeOut],
    auth=None,
    openapi_extra=PUBLIC_READ,
    summary="Change between two editions: per group with `by`, else per country",
)
def compare(
    request: HttpRequest,
    params: CompareQuery = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> HttpResponse:
    p = params
    schema = CountryChangeOut if p.by is None else GroupChangeOut
    with queries.one_version():
        country = None if p.country is None else queries.country_code(p.country)
        what = _slug(p.by or country or "countries")
        return _answer(
            request,
            fmt=p.format,
            key=("compare", p.year_from, p.year_to, p.by, country, p.denominator, p.index),
            filename=f"{_slug(p.index)}-{p.year_from}-{p.year_to}-{what}",
            schema=schema,
            build=_table(
                # Either overload: queries_groups.compare refuses `by` with `country`
                # (invalid_compare).
                lambda: cast(Any, queries_groups.compare)(
                    p.year_from,
                    p.year_to,
                    by=p.by,
                    country=country,
                    denominator=p.denominator,
                    index=p.index,
                ),
                schema,
            ),
        )


@router.get(
    "/indices/countries/{iso3}",
    response=ProfileOut,
    auth=None,
    openapi_extra=PUBLIC_READ,
    summary="A Member State's classifications and its row in every edition",
)
def country_profile(
    request: HttpRequest,
    iso3: str,
    params: FormatQuery = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> HttpResponse:
    def build() -> tuple[Any, list[dict[str, Any]]]:
        profile = queries.country_profile(code)
        rows = records(profile.editions, RowOut)
        return {"country": records([profile.country], CountryOut)[0], "editions": rows}, rows

    with queries.one_version():
        code = queries.country_code(iso3)
        return _answer(
            request,
            fmt=params.format,
            key=("country", code),
            filename=f"egdi-{code}",
            schema=RowOut,
            build=build,
        )


@router.get(
    "/indices/{int:year}",
    response=list[RowOut],
    auth=None,
    openapi_extra=PUBLIC_READ,
    summary="One edition's countries by world rank (unscored last, rank null)",
)
def ranking(
    request: HttpRequest,
    year: int,
    params: RankingQuery = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> HttpResponse:
    p = params
    with queries.one_version():
        region, subregion = queries.area_names(p.region, p.subregion)
        top = queries.bounded_top(p.top)
        return _answer(
            request,
            fmt=p.format,
            key=("ranking", year, region, subregion, top, p.method),
            filename=f"egdi-{year}",
            schema=RowOut,
            build=_table(
                lambda: queries.ranking(
                    year, region=region, subregion=subregion, top=top, method=p.method
                ),
                RowOut,
            ),
        )


@router.get(
    "/indices/{int:year}/aggregates",
    response=list[AggregateOut],
    auth=None,
    openapi_extra=PUBLIC_READ,
    summary="Mean, median, min and max per group, each row stating its denominator",
)
def aggregates(
    request: HttpRequest,
    year: int,
    params: AggregatesQuery = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> HttpResponse:
    p = params
    return _answer(
        request,
        fmt=p.format,
        key=("aggregates", year, p.by, p.denominator, p.index),
        filename=f"{_slug(p.index)}-{year}-by-{_slug(p.by)}",
        schema=AggregateOut,
        build=_table(
            lambda: queries_groups.aggregates(year, p.by, denominator=p.denominator, index=p.index),
            AggregateOut,
        ),
    )


@router.get(
    "/indices/{int:year}/leaders",
    response=list[LeaderOut],
    auth=None,
    openapi_extra=PUBLIC_READ,
    summary="The leaders on one index (e.g. e-participation), world or in an area",
)
def leaders(
    request: HttpRequest,
    year: int,
    params: LeadersQuery = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> HttpResponse:
    p = params
    with queries.one_version():
        region, subregion = queries.area_names(p.region, p.subregion)
        top = cast(int, queries.bounded_top(p.top))
        return _answer(
            request,
            fmt=p.format,
            key=("leaders", year, p.index, top, region, subregion),
            filename=f"{_slug(p.index)}-{year}-leaders",
            schema=LeaderOut,
            build=_table(
                lambda: queries_groups.leaders(
                    year, index=p.index, top=top, region=region, subregion=subregion
                ),
                LeaderOut,
            ),
        )


def _slug(text: str) -> str:
    """Letters, digits and dashes only: safe inside a Content-Disposition filename."""
    kept = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.strip().lower())
    return "-".join(part for part in kept.split("-") if part)[:40] or "x"


# --- self-assessment ----------------------------------------------------------------------

V = TypeVar("V")


def _named(values: Mapping[Any, V] | None) -> dict[str, V] | None:
    return None if values is None else {str(k): v for k, v in values.items()}


@router.post(
    "/indices/self-assessment",
    response=SelfAssessmentOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="Compute OSI, HCI, TII and EGDI from your inputs and rank them (stores nothing)",
)
def self_assessment(request: HttpRequest, body: SelfAssessmentIn) -> api.SelfAssessment:
    return api.self_assess(
        year=body.year,
        osi=body.osi,
        hci=body.hci,
        tii=body.tii,
        stage_counts=_named(body.stage_counts),
        stage_maxima=_named(body.stage_maxima),
        hci_components=_named(body.hci_components),
        hci_raw=_named(body.hci_raw),
        tii_indicators=_named(body.tii_indicators),
    )
