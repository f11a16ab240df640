"""Bulk writes for generated data (`govhub bench load`): rows in, no model instances, no
per-row query. PostgreSQL takes them by COPY, SQLite by one prepared INSERT run over the
batch. Linear in time, flat in memory: the caller hands rows in batches.

These write tables directly, bypassing the actions: only for load-test data on a throw-away
database, never for data people entered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How a Python value of the field is written (the same text the ORM would store)."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "JSONField":
        return lambda value: None if value is None else json.dumps(value)
    return lambda value: value


def _columns(
    model: type[models.Model], names: Sequence[str]
) -> tuple[list[str], list[Callable[[Any], Any]], list[Any]]:
    """The table's columns to write: the named fields first (in their order), then every
    other concrete field with its default (a value the ORM would have filled in)."""
    by_name = {f.name: f for f in model._meta.concrete_fields}
    by_name.update({f.attname: f for f in model._meta.concrete_fields})
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {unknown}")
    named = [by_name[n] for n in names]
    rest = [
        f
        for f in model._meta.concrete_fields
        if f not in named and not f.primary_key and not getattr(f, "generated", False)
    ]
    fields = named + rest
    converters = [_converter(f) for f in fields]
    defaults = [
        conv(f.get_default()) for f, conv in zip(rest, converters[len(named) :], strict=True)
    ]
    return [str(f.column) for f in fields], converters[: len(named)], defaults


def bulk_insert(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (tuples of the `names` fields' values) into the model's table; fields
    not named get their default. Returns the number of rows. Run it inside a transaction."""
    columns, converters, defaults = _columns(model, names)
    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: COPY streams the rows in one statement
            with raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([c(v) for c, v in zip(converters, row, strict=True)] + defaults)
                    count += 1
            return count
        values = [[c(v) for c, v in zip(converters, row, strict=True)] + defaults for row in rows]
        marks = ", ".join(["%s"] * len(columns))
        # Names from the model's own metadata, quoted; the values are parameters.
        insert = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(insert, values)
        return len(values)


def bulk_next_id(model: type[models.Model]) -> int:
    """The first free primary key above every existing one (for ids a loader assigns)."""
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def bulk_ids_settle(*models_: type[models.Model]) -> None:
    """After rows were written with ids of their own: move the id sequences past them
    (PostgreSQL; SQLite's AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def bulk_analyze(*models_: type[models.Model]) -> None:
    """Refresh the planner's statistics of these tables after a bulk load: without them
    PostgreSQL plans for the empty tables it last saw (sequential scans that grow with
    every row), and SQLite guesses at its indexes' selectivity."""
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
