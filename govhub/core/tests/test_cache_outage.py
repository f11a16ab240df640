"""Redis down is not a 500 (docs/adr/0025): pages and the API answer uncached, sign-in limits
and used one-time codes hold through the database table, and the log says so once per minute.

"Down" is a Redis URL on a closed port (127.0.0.1:1); the shared Redis is never stopped. The
one test that needs a live server uses database 13 (GOVHUB_TEST_REDIS_URL) and is skipped
where there is none.
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client

from govhub.core import cache_outage

pytestmark = pytest.mark.django_db

DOWN_URL = "redis://127.0.0.1:1/12"
LIVE_URL = os.environ.get("GOVHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "correct-horse-battery"


def _caches_for(monkeypatch: pytest.MonkeyPatch, url: str) -> dict[str, Any]:
    """CACHES as config/settings.py makes them for CACHE_URL=url."""
    import config.settings

    monkeypatch.delenv("GOVHUB_SECURITY_CACHE_URL", raising=False)
    monkeypatch.setenv("CACHE_URL", url)
    try:
        return dict(importlib.reload(config.settings).CACHES)
    finally:
        monkeypatch.delenv("CACHE_URL")
        importlib.reload(config.settings)


@pytest.fixture(autouse=True)
def _no_outage_yet() -> Any:
    cache_outage._OUTAGES.clear()
    yield
    cache_outage._OUTAGES.clear()


@pytest.fixture
def redis_down(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CACHES = _caches_for(monkeypatch, DOWN_URL)


def test_with_redis_the_settings_make_caches_that_outlive_it(monkeypatch):
    # when
    caches_setting = _caches_for(monkeypatch, DOWN_URL)
    # then: pages miss (no fallback for their keys); allauth's keys and the security alias
    # fall back to the database table
    resilient = "govhub.core.cache_outage.ResilientRedisCache"
    assert caches_setting == {
        "default": {
            "BACKEND": resilient,
            "LOCATION": DOWN_URL,
            "OPTIONS": {
                "RETRY_SECONDS": 5.0,
                "FALLBACK": "security",
                "FALLBACK_PREFIXES": ["allauth"],
            },
        },
        "security": {
            "BACKEND": resilient,
            "LOCATION": DOWN_URL,
            "OPTIONS": {"RETRY_SECONDS": 5.0, "FALLBACK": "security_fallback"},
        },
        "security_fallback": {
            "BACKEND": "govhub.core.security_cache.SecurityDatabaseCache",
            "LOCATION": "govhub_cache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }


WARNING = (
    "Redis at redis://127.0.0.1:1/12 cannot be reached (Error 111 connecting to 127.0.0.1:1. "
    "Connection refused.): pages are not cached and security counters are kept in the "
    "database until it is back (1 operations without it, down for 0 s)"
)


@pytest.mark.parametrize(
    ("path", "warnings"),
    [
        # cached for anonymous visitors
        ("/", [WARNING]),
        ("/organisations/", [WARNING]),
        ("/programmes/governance-model/", [WARNING]),
        ("/indices/", [WARNING]),
        ("/programmes/", [WARNING]),
        # not cached, and so never asking Redis
        ("/api/v1/organisations", []),
        ("/api/v1/programmes", []),
    ],
)
def test_pages_and_the_api_answer_while_redis_is_down(redis_down, path, warnings, caplog):
    # when: the same anonymous page twice
    with caplog.at_level(logging.WARNING, logger="govhub.cache"):
        first = Client().get(path)
        second = Client().get(path)
    # then: rendered each time, never a 500; one warning for both
    assert (first.status_code, second.status_code) == (200, 200)
    assert [r.getMessage() for r in caplog.records] == warnings


def test_sign_in_limits_hold_while_redis_is_down(redis_down, user):
    # given: five wrong passwords
    for _ in range(5):
        Client().post("/accounts/login/", {"login": user.email, "password": "wrong"})
    # when: the right one
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    # then: refused for now, and the counters are in the database table
    assert "Too many failed login attempts. Try again in 30 seconds." in response.content.decode()
    assert "_auth_user_id" not in client.session
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM govhub_cache")
        kinds = sorted({row[0].split(":")[2] for row in cursor.fetchall()})
    assert kinds == ["allauth", "govhub"]


def test_a_used_code_stays_used_while_redis_is_down(redis_down):
    # given
    totp = TOTP(Authenticator(user_id=7))
    # when: the same code twice
    first = totp._mark_code_used("123456")
    second = totp._mark_code_used("123456")
    # then: the second use is refused (the mark is in the database table)
    assert (first, second) == (True, False)


def test_page_keys_miss_and_are_not_stored_while_redis_is_down(redis_down):
    # when
    cache.set("govhub:page:x", "page")
    stored = cache.add("govhub:page:y", "page")
    failed = cache.set_many({"govhub:page:z": 1, "allauth:rl:z": 2})
    # then
    assert cache.get("govhub:page:x") is None
    assert stored is False
    assert failed == ["govhub:page:z"]
    assert cache.get_many(["govhub:page:z", "allauth:rl:z"]) == {"allauth:rl:z": 2}
    assert caches["security_fallback"].get("allauth:rl:z") == 2


def test_an_outage_is_logged_once_a_minute_not_per_request(redis_down, caplog, monkeypatch):
    # given: a clock
    now = [1000.0]
    monkeypatch.setattr(cache_outage, "_clock", lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="govhub.cache"):
        # when: 100 reads in the first minute, then one more a minute later
        for _ in range(100):
            cache.get("govhub:page:x")
            now[0] += 0.5
        now[0] += 11
        cache.get("govhub:page:x")
    # then: two warnings; the second counts the reads that went without Redis meanwhile
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[1].endswith("(100 operations without it, down for 61 s)")


def test_redis_is_tried_again_after_the_retry_interval_and_used_when_back(
    settings, monkeypatch, caplog
):
    # given: a live Redis that failed once
    import redis

    try:
        redis.Redis.from_url(LIVE_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    settings.CACHES = _caches_for(monkeypatch, LIVE_URL)
    now = [1000.0]
    monkeypatch.setattr(cache_outage, "_clock", lambda: now[0])
    real_get = RedisCache.get

    def broken(*args: Any) -> Any:
        raise redis.exceptions.ConnectionError("gone")

    monkeypatch.setattr(RedisCache, "get", broken)
    with caplog.at_level(logging.WARNING, logger="govhub.cache"):
        assert cache.get("govhub:page:x", "missed") == "missed"
        # when: it answers again, and the retry interval has passed
        monkeypatch.setattr(RedisCache, "get", real_get)
        cache.set("govhub:page:x", "within the interval")  # not tried yet: dropped
        now[0] += 5
        cache.set("govhub:page:x", "page")
        found = cache.get("govhub:page:x")
    cache.delete("govhub:page:x")
    # then
    assert found == "page"
    assert caplog.records[-1].getMessage() == (
        f"Redis at {LIVE_URL} is back after 5 s (1 more operations without it)"
    )
