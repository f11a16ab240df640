"""The shared store for security counters, and the default cache that routes to it.

Rate-limit counters and the marks of used one-time codes must be seen by every worker and
node, or each process grants its own allowance (docs/adr/0012-shared-security-counters.md).
They live in the `security` cache alias: the database cache table by default, Redis when
`CACHE_URL` is redis://. django-allauth keeps its counters and marks in the *default* cache
under keys beginning with "allauth"; when the default cache is per-process (local memory, for
the speed of cached pages), it is a `RoutedCache` that sends those keys to `security` and
everything else to the local `pages` alias.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.db import connections

SECURITY_ALIAS = "security"
# The table `govhub migrate` creates (govhub/core/migrations/0004_security_cache_table.py).
CACHE_TABLE = "govhub_cache"


def security_cache() -> BaseCache:
    """The cache every worker and node shares, for counters that must hold across them."""
    return caches[SECURITY_ALIAS]


class SecurityDatabaseCache(DatabaseCache):
    """Django's database cache, but once it holds MAX_ENTRIES rows it sweeps only expired ones.

    Django's own cull then deletes a share of the live rows too, which would let a flood of
    keys evict rate-limit counters and used-code marks. Expired rows are swept as soon as the
    table passes MAX_ENTRIES, so the `COUNT(*)` Django runs on each write stays small.
    """

    def _cull(self, db: str, cursor: Any, now: Any, num: int) -> None:
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        expires = connection.ops.quote_name("expires")
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",  # noqa: S608  (quoted names only)
            [connection.ops.adapt_datetimefield_value(now)],
        )


class RoutedCache(BaseCache):
    """A cache made of two: keys with a SHARED_PREFIXES prefix go to SHARED, others to LOCAL.

    OPTIONS: {"LOCAL": alias, "SHARED": alias, "SHARED_PREFIXES": ["allauth", ...]}.
    Each key is handed on as given; the alias it lands in applies its own prefix and version.
    """

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self._local_alias: str = options.pop("LOCAL")
        self._shared_alias: str = options.pop("SHARED")
        self._shared_prefixes: tuple[str, ...] = tuple(options.pop("SHARED_PREFIXES"))
        super().__init__({**params, "OPTIONS": options})

    def _for(self, key: str) -> BaseCache:
        alias = self._shared_alias if key.startswith(self._shared_prefixes) else self._local_alias
        return caches[alias]

    def _split(self, keys: Iterable[str]) -> dict[BaseCache, list[str]]:
        groups: dict[BaseCache, list[str]] = {}
        for key in keys:
            groups.setdefault(self._for(key), []).append(key)
        return groups

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return bool(self._for(key).add(key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._for(key).get(key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._for(key).set(key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return bool(self._for(key).touch(key, timeout, version))

    def delete(self, key: Any, version: Any = None) -> bool:
        return bool(self._for(key).delete(key, version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return bool(self._for(key).has_key(key, version))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return int(self._for(key).incr(key, delta, version))

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
        for cache, group in self._split(keys).items():
            found.update(cache.get_many(group, version))
        return found

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        failed: list[Any] = []
        for cache, group in self._split(data).items():
            failed += cache.set_many({key: data[key] for key in group}, timeout, version)
        return failed

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        for cache, group in self._split(keys).items():
            cache.delete_many(group, version)

    def clear(self) -> None:
        """Clear the local store only: emptying the page cache must not forget the counters."""
        caches[self._local_alias].clear()

    def close(self, **kwargs: Any) -> None:
        # Django closes every alias it opened at the end of each request; nothing of our own.
        pass
