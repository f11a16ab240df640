"""Django's Redis cache, made to outlive its server (docs/adr/0025, issue 10 item 6).

Django's `RedisCache` raises when Redis cannot be reached, so every cached page and every
sign-in answered 500. `ResilientRedisCache` catches the connection errors and decides per key:

- keys starting with one of OPTIONS["FALLBACK_PREFIXES"] (all keys when it is `[""]`, the
  default) go to the cache alias OPTIONS["FALLBACK"] while Redis is away: the security
  counters and used one-time-code marks then live in the database table, so sign-in limits
  still hold ("fail closed" without locking everybody out);
- every other key fails open: a read misses, a write is dropped (pages are rendered afresh).

After a failure Redis is not tried again for OPTIONS["RETRY_SECONDS"] (5 s) in this process, so
an outage costs one connection attempt per interval, not one per request; a warning is logged
when Redis is first found away, at most once a minute while it stays away (with how many
operations went without it), and when it is back. Connection and read timeouts default to 1 s
(redis-py's default is to wait for ever).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("govhub.cache")

WARN_EVERY_SECONDS = 60.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_clock = time.monotonic  # replaced in tests


class _Down:
    """What an operation returns when Redis could not answer it."""


DOWN = _Down()


class _Outage:
    """The state of one Redis server as this process sees it (shared by its threads)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.retry_at = 0.0  # monotonic; Redis is skipped until then
        self.since = 0.0  # when this outage began (0: none)
        self.warned_at = 0.0
        self.missed = 0  # operations done without Redis since the last warning


_OUTAGES: dict[str, _Outage] = {}


def _outage(location: str) -> _Outage:
    return _OUTAGES.setdefault(location, _Outage())


def _shown(location: str) -> str:
    """The server's address without its password, for the log."""
    parts = urlsplit(location)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; while Redis cannot be reached, fallback keys go to another alias
    and the others miss (see the module's docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self._fallback_alias: str = options.pop("FALLBACK", "")
        self._fallback_prefixes: tuple[str, ...] = tuple(options.pop("FALLBACK_PREFIXES", [""]))
        self._retry_seconds = float(options.pop("RETRY_SECONDS", 5.0))
        options.setdefault("socket_connect_timeout", 1.0)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._where = server if isinstance(server, str) else ",".join(server)

    # --- the outage -------------------------------------------------------------------

    def _redis(self, operation: Callable[..., Any], *args: Any) -> Any:
        state = _outage(self._where)
        now = _clock()
        if now < state.retry_at:
            self._missed(state, now, None)
            return DOWN
        try:
            result = operation(self, *args)
        except _UNREACHABLE as error:
            with state.lock:
                state.retry_at = _clock() + self._retry_seconds
                state.since = state.since or now
            self._missed(state, now, error)
            return DOWN
        if state.since:
            self._back(state, now)
        return result

    def _missed(self, state: _Outage, now: float, error: Exception | None) -> None:
        with state.lock:
            state.missed += 1
            if state.warned_at and now - state.warned_at < WARN_EVERY_SECONDS:
                return
            missed, state.missed, state.warned_at = state.missed, 0, now
        logger.warning(
            "Redis at %s cannot be reached%s: pages are not cached and security counters are "
            "kept in the database until it is back (%d operations without it, down for %.0f s)",
            _shown(self._where),
            f" ({error})" if error else "",
            missed,
            now - state.since,
        )

    def _back(self, state: _Outage, now: float) -> None:
        with state.lock:
            if not state.since:
                return
            down, missed = now - state.since, state.missed
            state.since = state.warned_at = 0.0
            state.missed = 0
        logger.warning(
            "Redis at %s is back after %.0f s (%d more operations without it)",
            _shown(self._where),
            down,
            missed,
        )

    def _fallback(self, key: Any) -> BaseCache | None:
        if self._fallback_alias and str(key).startswith(self._fallback_prefixes):
            return caches[self._fallback_alias]
        return None

    # --- the cache API --------------------------------------------------------------------

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        done = self._redis(RedisCache.add, key, value, timeout, version)
        if done is not DOWN:
            return bool(done)
        fallback = self._fallback(key)
        # Not stored: the caller must not believe it was (a used code's mark, a lock).
        return bool(fallback.add(key, value, timeout, version)) if fallback else False

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        found = self._redis(RedisCache.get, key, default, version)
        if found is not DOWN:
            return found
        fallback = self._fallback(key)
        return fallback.get(key, default, version) if fallback else default

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        if self._redis(RedisCache.set, key, value, timeout, version) is DOWN:
            fallback = self._fallback(key)
            if fallback:
                fallback.set(key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        done = self._redis(RedisCache.touch, key, timeout, version)
        if done is not DOWN:
            return bool(done)
        fallback = self._fallback(key)
        return bool(fallback.touch(key, timeout, version)) if fallback else False

    def delete(self, key: Any, version: Any = None) -> bool:
        done = self._redis(RedisCache.delete, key, version)
        if done is not DOWN:
            return bool(done)
        fallback = self._fallback(key)
        return bool(fallback.delete(key, version)) if fallback else False

    def has_key(self, key: Any, version: Any = None) -> bool:
        found = self._redis(RedisCache.has_key, key, version)
        if found is not DOWN:
            return bool(found)
        fallback = self._fallback(key)
        return bool(fallback.has_key(key, version)) if fallback else False

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        value = self._redis(RedisCache.incr, key, delta, version)
        if value is not DOWN:
            return int(value)
        fallback = self._fallback(key)
        if fallback is None:
            raise ValueError(f"Key '{key}' not found")  # what a missing key raises
        return int(fallback.incr(key, delta, version))

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        found = self._redis(RedisCache.get_many, keys, version)
        if found is not DOWN:
            return dict(found)
        result: dict[Any, Any] = {}
        for cache, group in self._by_fallback(keys).items():
            result.update(cache.get_many(group, version))
        return result

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        failed = self._redis(RedisCache.set_many, data, timeout, version)
        if failed is not DOWN:
            return list(failed)
        groups = self._by_fallback(data)
        stored = {key for group in groups.values() for key in group}
        failed = [key for key in data if key not in stored]
        for cache, group in groups.items():
            failed += cache.set_many({key: data[key] for key in group}, timeout, version)
        return failed

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        if self._redis(RedisCache.delete_many, keys, version) is DOWN:
            for cache, group in self._by_fallback(keys).items():
                cache.delete_many(group, version)

    def clear(self) -> None:
        # While Redis is away there is nothing of its to clear; the fallback keeps its own.
        self._redis(RedisCache.clear)

    def _by_fallback(self, keys: Iterable[Any]) -> dict[BaseCache, list[Any]]:
        groups: dict[BaseCache, list[Any]] = {}
        for key in keys:
            fallback = self._fallback(key)
            if fallback is not None:
                groups.setdefault(fallback, []).append(key)
        return groups
