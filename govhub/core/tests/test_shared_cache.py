"""The security counters' store is shared by processes: the database table, or Redis.

Two separate Python processes play two gunicorn workers (or two nodes): what the first marks
or counts, the second sees. The Redis tests use the server at 127.0.0.1:6379 (database 13, or
GOVHUB_TEST_REDIS_URL; emptied before and after) and are skipped where there is none.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import Client

from govhub.core.security_cache import security_cache

ROOT = Path(__file__).resolve().parents[3]
# GOVHUB_TEST_REDIS_URL: another database, where several test runs share one server.
REDIS_URL = os.environ.get("GOVHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

WORKER = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from django.core.management import call_command
    from django.test import RequestFactory
    from allauth.core.internal import ratelimit
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if sys.argv[1] == "migrate":
        call_command("migrate", "core", verbosity=0)
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.7")
    counted = [
        bool(ratelimit.consume(request, app="allauth.account", action="login_failed",
                               config={"login_failed": "3/m/ip"}))
        for _ in range(int(sys.argv[2]))
    ]
    used = TOTP(Authenticator(user_id=7))._mark_code_used("123456")
    print(used, counted)
    """
)


def _worker(tmp_path: Path, *args: str, **environment: str) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        **environment,
    }
    env.pop("GOVHUB_SECURITY_CACHE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", WORKER, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _redis() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return client


@pytest.fixture
def redis_db() -> Any:
    client = _redis()
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def test_the_database_store_is_shared_by_processes(tmp_path):
    # given: a fresh database made by `migrate`; one worker marks a code used, fails 3 times
    first = _worker(tmp_path, "migrate", "3", CACHE_URL="locmemcache://govhub")
    # when: another process tries the same code and fails once more
    second = _worker(tmp_path, "-", "1", CACHE_URL="locmemcache://govhub")
    # then
    assert first == "True [True, True, True]"
    assert second == "False [False]"


def test_the_redis_store_is_shared_by_processes(tmp_path, redis_db):
    # given
    first = _worker(tmp_path, "-", "3", CACHE_URL=REDIS_URL)
    # when
    second = _worker(tmp_path, "-", "1", CACHE_URL=REDIS_URL)
    # then
    assert first == "True [True, True, True]"
    assert second == "False [False]"
    assert any(b"allauth.mfa.totp.used" in key for key in redis_db.keys("*"))


@pytest.mark.django_db
def test_the_default_cache_keeps_pages_local_and_sends_allauth_keys_to_the_shared_store():
    # when
    cache.set("govhub:page:x", "page")
    cache.set("allauth:rl:x", [1.0])
    cache.set_many({"govhub:page:y": 1, "allauth:rl:y": 2})
    # then
    assert caches["pages"].get_many(["govhub:page:x", "govhub:page:y"]) == {
        "govhub:page:x": "page",
        "govhub:page:y": 1,
    }
    assert security_cache().get_many(["allauth:rl:x", "allauth:rl:y"]) == {
        "allauth:rl:x": [1.0],
        "allauth:rl:y": 2,
    }
    assert caches["pages"].get("allauth:rl:x") is None
    assert cache.get_many(["govhub:page:x", "allauth:rl:y"]) == {
        "govhub:page:x": "page",
        "allauth:rl:y": 2,
    }
    cache.delete_many(["govhub:page:x", "allauth:rl:x"])
    assert cache.get("govhub:page:x") is None
    assert cache.get("allauth:rl:x") is None
    # clearing the page cache keeps the counters
    cache.clear()
    assert cache.get("govhub:page:y") is None
    assert cache.get("allauth:rl:y") == 2


@pytest.mark.django_db
def test_redis_serves_cached_pages_and_counts_sign_in_failures(settings, redis_db, user):
    # given: CACHE_URL=redis://, as config/settings.py makes it
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    settings.CACHES = {"default": redis_cache, "security": redis_cache}
    # when: an anonymous page twice, and a wrong password
    first = Client().get("/programmes/governance-model/")
    second = Client().get("/programmes/governance-model/")
    failed = Client().post("/accounts/login/", {"login": user.email, "password": "wrong"})
    # then: no error, the page and the counters are in Redis
    assert (first.status_code, second.status_code, failed.status_code) == (200, 200, 200)
    assert second.content == first.content
    keys = sorted(key.decode().split(":")[2] for key in redis_db.keys("*"))
    assert keys == ["allauth", "allauth", "govhub", "govhub", "govhub"]
    assert len([key for key in redis_db.keys("*") if b":govhub:page:" in key]) == 1


@pytest.mark.django_db
def test_a_flood_of_keys_sweeps_expired_rows_but_never_evicts_a_live_one():
    from govhub.core.security_cache import CACHE_TABLE, SecurityDatabaseCache

    # given: a store of at most 3 rows holding 2 expired and 4 live ones
    store = SecurityDatabaseCache(CACHE_TABLE, {"OPTIONS": {"MAX_ENTRIES": 3}})
    store.clear()
    for n in range(2):
        store.set(f"old{n}", n, timeout=-1)
    for n in range(4):
        store.set(f"live{n}", n, timeout=300)
    # when: one more key arrives
    store.set("flood", 1, timeout=300)
    # then: the expired rows are gone, every live one is kept
    assert store.get_many([f"live{n}" for n in range(4)]) == {f"live{n}": n for n in range(4)}
    assert store.get("flood") == 1
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {CACHE_TABLE}")  # noqa: S608
        assert cursor.fetchone()[0] == 5


@pytest.mark.parametrize(
    ("environment", "default", "security"),
    [
        ({}, "govhub.core.security_cache.RoutedCache", "SecurityDatabaseCache"),
        ({"CACHE_URL": REDIS_URL}, "RedisCache", "RedisCache"),
        (
            {"GOVHUB_SECURITY_CACHE_URL": "dbcache://govhub_cache"},
            "govhub.core.security_cache.RoutedCache",
            "SecurityDatabaseCache",
        ),
        ({"GOVHUB_SECURITY_CACHE_URL": "locmemcache://x"}, None, None),
    ],
)
def test_the_security_store_is_always_shared(monkeypatch, environment, default, security):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.settings

    # given
    for name in ("CACHE_URL", "GOVHUB_SECURITY_CACHE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    try:
        # when
        if default is None:
            with pytest.raises(ImproperlyConfigured, match="all workers share"):
                importlib.reload(config.settings)
            return
        caches_setting = importlib.reload(config.settings).CACHES
        # then
        assert caches_setting["default"]["BACKEND"].endswith(default)
        assert caches_setting["security"]["BACKEND"].endswith(security)
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)
