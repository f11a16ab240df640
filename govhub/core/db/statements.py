"""Prebuilt SQL for the writes every transition repeats, on PostgreSQL.

A workflow transition used to cost eight round trips inside its transaction, each built by
the ORM's compiler (a quarter to a half of a millisecond of Python each, and a wait for the
server on a machine it shares). Here the hottest pairs go as one statement each, built once
per model and columns, with every value adapted by the model's own field, as the ORM would:

- the instance's conditional update and the decision's insert (a data-modifying `WITH`:
  when the update matches no row, nothing is inserted, and the caller answers 409);
- the audit entry's insert and the chain head's new hash.

SQLite keeps the ORM: its statements are calls inside the process, with no round trip to
save, and it has no data-modifying `WITH`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, models


def prebuilt() -> bool:
    """Whether this connection takes the prebuilt statements (PostgreSQL)."""
    return connection.vendor == "postgresql"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


@lru_cache(maxsize=64)
def _insert_fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


def insert_columns(model: type[models.Model]) -> tuple[str, str]:
    """`(columns, placeholders)` of an insert of every column but the primary key."""
    fields = _insert_fields(model)
    return ", ".join(_quote(str(f.column)) for f in fields), ", ".join(["%s"] * len(fields))


def insert_values(obj: models.Model) -> list[Any]:
    """The values of `obj`'s columns for `insert_columns`, adapted as the ORM adapts them."""
    fields = _insert_fields(type(obj))
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]


def set_clause(model: type[models.Model], names: Iterable[str]) -> str:
    """`col = %s, …` for the named fields."""
    return ", ".join(f"{column(model, n)} = %s" for n in names)


def set_values(model: type[models.Model], values: dict[str, Any]) -> list[Any]:
    """The values for `set_clause(model, values)`, adapted by each field."""
    return [_field(model, n).get_db_prep_save(v, connection) for n, v in values.items()]


def table(model: type[models.Model]) -> str:
    return _quote(model._meta.db_table)


def column(model: type[models.Model], name: str) -> str:
    return _quote(str(_field(model, name).column))


def run(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Execute one statement through Django's cursor (so query logging, wrappers and error
    translation apply) and return its first row, if any."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if cursor.description else None
