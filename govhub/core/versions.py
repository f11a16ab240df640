"""Data versions: named counters that cached pages put in their cache keys.

A page's cache key holds the versions of what it shows ("organisations", "programme:42"). A
write bumps the names it changes after its transaction commits; every web node reads the same
counters, so the next request anywhere builds a new key and renders the new data: no message
to other nodes, no scan. Reading is one primary-key lookup (one `IN` for several names).

Bumping after commit, never inside the transaction, matters twice: the counter row is never
locked by the write's transaction (no hot row for concurrent writers), and no reader can see
the new version before the data it stands for (a page rendered from the old data under the new
key would stay wrong until it expired). See docs/adr/0020-compressed-page-cache-and-versions.md.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from govhub.core.models import DataVersion


def versions_read(*names: str) -> str:
    """The current version of each name, as one string for a cache key (one query; a name
    never bumped reads as 0)."""
    # Raw SQL on purpose: it runs on every cached hit, and building it through the ORM cost
    # more than the rest of the hit (1 ms against 0.1 ms on SQLite).
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, value FROM {table} WHERE name IN ({marks})", names)  # noqa: S608
        found = dict(cursor.fetchall())
    return ",".join(str(found.get(name, 0)) for name in names)


def version_sql() -> str:
    """The version of one name (the `%s` parameter) as an SQL expression, to read it in the
    same query as a row; 0 for a name never bumped."""
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    return f"COALESCE((SELECT value FROM {table} WHERE name = %s), 0)"  # noqa: S608


def versions_bump(*names: str) -> None:
    """Change the versions of `names` once the current transaction commits (at once outside
    one). A failed bump is logged, not raised: the write has already committed."""
    unique = tuple(dict.fromkeys(names))
    transaction.on_commit(lambda: _bump(unique), robust=True)


def _bump(names: tuple[str, ...]) -> None:
    for name in names:
        if DataVersion.objects.filter(name=name).update(value=F("value") + 1):
            continue
        try:
            with transaction.atomic():
                DataVersion.objects.create(name=name, value=1)
        except IntegrityError:  # made meanwhile by another writer
            DataVersion.objects.filter(name=name).update(value=F("value") + 1)
