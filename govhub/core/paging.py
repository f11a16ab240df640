"""Keyset (cursor) paging: a page of an ordered queryset costs the same at row 10 and at row
10,000,000, and counts that stay cheap on large lists (ADR 0018).

A page is read as `WHERE <after the cursor> ORDER BY <the queryset's ordering> LIMIT n + 1`:
the cursor is the ordering key of the row a page ends (or starts) on, signed, so a client can
neither forge one nor use one list's cursor on another. Every ordering must end on the primary
key or another unique field, and every ordering a page offers needs an index that matches it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import Field, Model, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from govhub.core.errors import InvalidInput

M = TypeVar("M", bound=Model)

MAX_PAGE_SIZE = 200
MAX_CURSOR_LENGTH = 200
# An exact count reads at most this many rows; past it the count is an estimate.
COUNT_LIMIT = 1000


class InvalidCursor(InvalidInput):
    default_code = "invalid_cursor"


@dataclass(frozen=True)
class CursorPage(Generic[M]):
    """One page: its rows, and the cursors of the pages either side ("" where there is none)."""

    items: list[M]
    next_cursor: str
    previous_cursor: str = ""


@dataclass(frozen=True)
class Count:
    """How many rows a list has: exact up to `COUNT_LIMIT`, estimated past it."""

    value: int
    exact: bool


def keyset_page(
    queryset: QuerySet[M], *, after: str = "", before: str = "", size: int = 50
) -> CursorPage[M]:
    """The page of `queryset` after the row `after` names (or before the row `before` names),
    in the queryset's own ordering. A malformed or forged cursor raises `InvalidCursor`."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    key = Keyset.of(queryset)
    if after and before:
        raise InvalidCursor(_("Give one cursor, not two."))
    if before:
        rows = list(
            queryset.filter(key.beyond(key.decode(before), back=True)).reverse()[: size + 1]
        )
        if len(rows) < size:  # fewer than a page before: show the first page, full
            return keyset_page(queryset, size=size)
        more = len(rows) > size
        rows = rows[:size][::-1]
        return CursorPage(rows, key.encode(rows[-1]), key.encode(rows[0]) if more else "")
    if after:
        queryset = queryset.filter(key.beyond(key.decode(after)))
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return CursorPage(
        rows,
        key.encode(rows[-1]) if more else "",
        key.encode(rows[0]) if after and rows else "",
    )


def cursor_of(queryset: QuerySet[M], row: M) -> str:
    """The cursor of the page that follows `row` in `queryset`'s ordering."""
    return Keyset.of(queryset).encode(row)


def cheap_count(queryset: QuerySet[Any], limit: int = COUNT_LIMIT) -> Count:
    """Rows in `queryset`: exact up to `limit` (reading at most `limit` + 1 of them); past it
    the PostgreSQL planner's estimate (from its statistics, no scan), or `limit` + 1 as a lower
    bound where there is no planner to ask."""
    found = queryset.order_by()[: limit + 1].count()
    if found <= limit:
        return Count(found, True)
    return Count(max(found, _estimate(queryset)), False)


def _estimate(queryset: QuerySet[Any]) -> int:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return 0
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


@dataclass(frozen=True)
class Keyset:
    """A queryset's ordering read as a key: (name, descending) pairs, the last one unique."""

    model: type[Model]
    fields: tuple[tuple[str, bool], ...]

    @classmethod
    def of(cls, queryset: QuerySet[Any]) -> Keyset:
        query = queryset.query
        ordering = query.order_by or (
            queryset.model._meta.ordering if query.default_ordering else ()
        )
        fields = []
        for item in ordering:
            if not isinstance(item, str) or item == "?":
                raise ValueError(f"keyset paging needs field names, not {item!r}")
            fields.append((item.lstrip("-"), item.startswith("-")))
        last = _field(queryset.model, fields[-1][0]) if fields else None
        if last is None or not last.unique or "__" in fields[-1][0]:
            raise ValueError(
                f"keyset paging needs an ordering ending on a unique field, not {fields}"
            )
        return cls(queryset.model, tuple(fields))

    def _signer(self) -> signing.Signer:
        order = ",".join(("-" if desc else "") + name for name, desc in self.fields)
        return signing.Signer(salt=f"govhub.paging:{self.model._meta.label_lower}:{order}")

    def encode(self, row: Model) -> str:
        values = [_plain(_value_of(row, name)) for name, _desc in self.fields]
        return self._signer().sign_object(values, compress=False)

    def decode(self, cursor: str) -> list[Any]:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise InvalidCursor(_("This cursor is not one this list gave."))
        try:
            values = self._signer().unsign_object(cursor)
        except (signing.BadSignature, ValueError, UnicodeError):
            raise InvalidCursor(_("This cursor is not one this list gave.")) from None
        if not isinstance(values, list) or len(values) != len(self.fields):
            raise InvalidCursor(_("This cursor is not one this list gave."))
        try:
            return [
                self._python(name, v) for (name, _d), v in zip(self.fields, values, strict=True)
            ]
        except (TypeError, ValueError, ValidationError):
            raise InvalidCursor(_("This cursor is not one this list gave.")) from None

    def _python(self, name: str, value: Any) -> Any:
        if value is None:
            raise ValueError("a cursor holds no empty value")
        field = _field(self.model, name)
        return field.to_python(value) if field is not None else value

    def beyond(self, values: list[Any], *, back: bool = False) -> Q:
        """Rows after `values` in the ordering (before them with `back`). The bound on the first
        field alone lets the database seek in the index instead of filtering its way there."""
        terms, equal = [], Q()
        for (name, desc), value in zip(self.fields, values, strict=True):
            terms.append(equal & Q(**{f"{name}__{'lt' if desc != back else 'gt'}": value}))
            equal &= Q(**{name: value})
        (first, desc), start = self.fields[0], values[0]
        return Q(**{f"{first}__{'lte' if desc != back else 'gte'}": start}) & reduce(or_, terms)


def _value_of(row: Model, name: str) -> Any:
    value: Any = row
    for part in name.split("__"):
        value = getattr(value, "pk" if part == "pk" else part)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None:
        raise ValueError("keyset paging needs an ordering on fields that are never empty")
    return value


def _field(model: type[Model], name: str) -> Field[Any, Any] | None:
    """The model field `name` ("initiator__name" follows relations), or None (an annotation)."""
    parts = name.split("__")
    for part in parts[:-1]:
        try:
            model = model._meta.get_field(part).related_model  # type: ignore[assignment]
        except FieldDoesNotExist:  # an annotation
            return None
    try:
        field = model._meta.get_field(model._meta.pk.name if parts[-1] == "pk" else parts[-1])
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None


@dataclass(frozen=True)
class ListPage(Generic[M]):
    """A page of a web list: its rows, the cursors of its "Previous" and "Next" links, and the
    list's count (`count_exact` false past `COUNT_LIMIT`: "more than" that many)."""

    object_list: list[M]
    next_cursor: str
    previous_cursor: str
    count: int
    count_exact: bool
    count_limit: int = COUNT_LIMIT


def list_page(queryset: QuerySet[M], params: Mapping[str, str], size: int) -> ListPage[M]:
    """The page of a web list the request's `after` or `before` names: two queries (the rows
    and a bounded count). A cursor not from this list shows the first page."""
    after, before = params.get("after", ""), params.get("before", "")
    try:
        page = keyset_page(queryset, after=after, before=before, size=size)
    except InvalidCursor:
        page = keyset_page(queryset, size=size)
    count = cheap_count(queryset)
    return ListPage(page.items, page.next_cursor, page.previous_cursor, count.value, count.exact)


def chained_list_page(
    parts: Sequence[QuerySet[M]], params: Mapping[str, str], size: int
) -> ListPage[M]:
    """A web list read as several querysets one after the other, all in the same ordering and
    each on its own index (e.g. what a person can act on now, then the rest of their work):
    a page costs the same however long the earlier parts are, where one ordering on a
    computed "part" would sort every row. The parts must not overlap. A cursor names its part
    (`<part>.<cursor>`); one not from this list shows the first page."""
    after, before = params.get("after", ""), params.get("before", "")
    try:
        page = _chained_page(parts, after=after, before=before, size=size)
    except InvalidCursor:
        page = _chained_page(parts, size=size)
    counts = [cheap_count(part) for part in parts]
    return ListPage(
        page.items,
        page.next_cursor,
        page.previous_cursor,
        sum(c.value for c in counts),
        all(c.exact for c in counts),
    )


def _chained_page(
    parts: Sequence[QuerySet[M]], *, after: str = "", before: str = "", size: int
) -> CursorPage[M]:
    size = max(1, min(size, MAX_PAGE_SIZE))
    keys = [Keyset.of(part) for part in parts]
    if after and before:
        raise InvalidCursor(_("Give one cursor, not two."))

    def encode(found: tuple[int, M]) -> str:
        return f"{found[0]}.{keys[found[0]].encode(found[1])}"

    def decode(cursor: str) -> tuple[int, list[Any]]:
        index, _dot, inner = cursor.partition(".")
        if not index.isdigit() or int(index) >= len(parts):
            raise InvalidCursor(_("This cursor is not one this list gave."))
        return int(index), keys[int(index)].decode(inner)

    rows: list[tuple[int, M]] = []
    if before:
        start, values = decode(before)
        for i in range(start, -1, -1):
            part = parts[i].filter(keys[i].beyond(values, back=True)) if i == start else parts[i]
            rows += [(i, row) for row in part.reverse()[: size + 1 - len(rows)]]
            if len(rows) > size:
                break
        if len(rows) < size:  # fewer than a page before: show the first page, full
            return _chained_page(parts, size=size)
        more = len(rows) > size
        rows = rows[:size][::-1]
        return CursorPage([r for _i, r in rows], encode(rows[-1]), encode(rows[0]) if more else "")
    start, values = decode(after) if after else (0, [])
    for i in range(start, len(parts)):
        part = parts[i].filter(keys[i].beyond(values)) if after and i == start else parts[i]
        rows += [(i, row) for row in part[: size + 1 - len(rows)]]
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    return CursorPage(
        [r for _i, r in rows],
        encode(rows[-1]) if more else "",
        encode(rows[0]) if after and rows else "",
    )


def list_query(params: QueryDict) -> str:
    """The request's query string without its place in the list: what the links keep."""
    query = params.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return query.urlencode()
