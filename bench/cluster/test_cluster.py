"""Two web nodes behind nginx, two task workers, one PostgreSQL database, one Redis database:
what a person does on one node holds on every node (issue 10, item 5).

The cluster (bench/cluster/cluster.py) runs real `govhub serve` and `govhub db_worker`
processes with production settings on a fresh copy of the demo database. Without nginx it is
skipped locally and fails in CI (GOVHUB_CI=1); without a PostgreSQL or Redis server (the
shared ones at 127.0.0.1, or GOVHUB_CLUSTER_PG / GOVHUB_CLUSTER_REDIS) it is skipped.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import struct
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.cluster.cluster import NGINX, PG_SERVER, REDIS_URL, Cluster
from bench.cluster.visitor import Visitor
from govhub.core.testing import require

PASSWORD = "govhub-demo-2026"  # noqa: S105  (the demo's published password)
TOTP_SECRET = "GOVHUBDEMOARDENTOTPSECRETFORDEMO"  # noqa: S105  (the demo's, published)


def _reachable() -> tuple[bool, bool]:
    import psycopg
    import redis

    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=2).close()
        postgres = True
    except psycopg.OperationalError:
        postgres = False
    try:
        redis_ok = bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        redis_ok = False
    return postgres, redis_ok


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    require(bool(NGINX), "nginx (Debian: apt-get install nginx)")
    # The servers are not installed by .ci/run (as for tests/test_shared_cache.py): skipped.
    postgres, redis_ok = _reachable()
    if not (postgres and redis_ok):
        pytest.skip(f"needs PostgreSQL at {PG_SERVER} and Redis at {REDIS_URL}")
    with Cluster(web_nodes=2, task_workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def prepared(cluster: Cluster) -> dict[str, Any]:
    """An API token of BrightPath Software's manager (a business: no second factor needed), a
    stored file, and 30 probe tasks queued (each takes 50 ms): made by one other process."""
    log = cluster.workdir / "probe.log"
    made = cluster.probe("setup", "business@demo.example", "30", str(log))
    return {**json.loads(made), "log": log}


@pytest.fixture
def nodes(cluster: Cluster) -> tuple[str, str]:
    first, second = cluster.node_urls
    return first, second


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(REDIS_URL)


def _totp_now() -> str:
    # Not too near the end of its 30 s window, so the code is still current on the 2nd node.
    while 30 - time.time() % 30 < 10:
        time.sleep(0.5)
    key = base64.b32decode(TOTP_SECRET)
    digest = hmac.digest(key, struct.pack(">Q", int(time.time()) // 30), "sha1")
    offset = digest[-1] & 15
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 10**6:06d}"


def _sign_in(visitor: Visitor, base: str, email: str, password: str = PASSWORD) -> Any:
    return visitor.post_form(base, "/accounts/login/", {"login": email, "password": password})


def test_the_load_balancer_sends_requests_to_every_node(cluster):
    # when
    served_by = {
        Visitor().get(cluster.lb_url, "/healthz").headers["x-govhub-node"] for _ in range(6)
    }
    # then
    assert served_by == {url.removeprefix("http://") for url in cluster.node_urls}


def test_a_session_started_on_one_node_is_signed_in_on_every_node(cluster, nodes):
    first, second = nodes
    visitor = Visitor()
    # when
    answer = _sign_in(visitor, first, "citizen@demo.example")
    # then
    assert answer.status == 302
    assert visitor.signed_in(second)
    assert visitor.signed_in(cluster.lb_url)
    # and when: signing out on the other node ends it on the first
    visitor.post_form(second, "/accounts/logout/", {})
    assert not visitor.signed_in(first)


def test_wrong_passwords_on_different_nodes_count_together(nodes):
    first, second = nodes
    # given: five wrong passwords from one client, alternating between the nodes
    visitor = Visitor(forwarded_for="203.0.113.50")
    for attempt in range(5):
        _sign_in(visitor, nodes[attempt % 2], "cso@demo.example", "wrong-password")
    # when: the right password comes next, at each node
    refused = [_sign_in(visitor, node, "cso@demo.example") for node in (first, second)]
    # then: the account's back-off holds on both
    assert not visitor.signed_in(first)
    assert all("Try again in" in answer.body for answer in refused)


def test_a_one_time_code_signs_in_once_across_nodes(nodes):
    first, second = nodes
    code = _totp_now()
    # given: a government member signed in on the first node with the current code
    one = Visitor(forwarded_for="203.0.113.51")
    assert _sign_in(one, first, "higher_body@demo.example").status == 302
    assert one.post_form(first, "/accounts/2fa/authenticate/", {"code": code}).status == 302
    assert one.signed_in(first)
    # when: the same code is tried again on the second node
    other = Visitor(forwarded_for="203.0.113.52")
    _sign_in(other, second, "higher_body@demo.example")
    answer = other.post_form(second, "/accounts/2fa/authenticate/", {"code": code})
    # then
    assert answer.status == 200
    assert not other.signed_in(second)


def test_a_page_cached_by_one_node_is_served_by_the_others(nodes):
    first, second = nodes
    store = _redis()
    path = "/programmes/governance-model/"
    before = set(store.keys())
    # given: the first node renders the page and keeps it in the shared cache
    rendered = Visitor().get(first, path)
    made = set(store.keys()) - before
    assert rendered.status == 200
    assert made, "the first node stored nothing in Redis"
    remaining = {key: store.pttl(key) for key in made}
    time.sleep(1.0)
    # when
    served = Visitor().get(second, path)
    # then: the same page, and no key rewritten (a node that rendered it would reset the
    # entry's time to live; one that took it from Redis leaves it running down)
    assert served.body == rendered.body
    assert all(0 < store.pttl(key) <= left - 500 for key, left in remaining.items() if left > 0)


def _brightpath(cluster: Cluster) -> tuple[int, int]:
    """The demo's BrightPath Software and the programme it exposed."""
    visitor = Visitor()
    found = visitor.get(cluster.lb_url, "/api/v1/organisations?q=BrightPath").json()
    organisation = next(o for o in found["items"] if o["name"].startswith("BrightPath Software"))
    programmes = visitor.get(cluster.lb_url, "/api/v1/programmes").json()["items"]
    programme = next(p for p in programmes if p["initiator_id"] == organisation["id"])
    return organisation["id"], programme["id"]


# The programme page's cache version ignores the names of the organisations it shows (issue
# 10): until the cache versions of core/versions cover them, it shows the old name for up to
# 600 s. Strict: once that lands this passes, and the mark must go.
STALE_ON_MAIN = pytest.mark.xfail(
    strict=True, reason="programme page cache version ignores organisation names (issue 10)"
)


@pytest.mark.parametrize(
    "page",
    [
        "/organisations/?q=BrightPath",
        "/organisations/{organisation}/",
        "/programmes/",
        pytest.param("/programmes/{programme}/", marks=STALE_ON_MAIN),
    ],
)
def test_a_renamed_organisation_shows_at_once_on_every_node(cluster, nodes, prepared, page):
    organisation, programme = _brightpath(cluster)
    path = page.format(organisation=organisation, programme=programme)
    # given: the page seen (so cached, where it is cached) on both nodes, with the name
    for node in nodes:
        answer = Visitor().get(node, path)
        assert answer.status == 200
        assert "BrightPath Software" in answer.body
    new_name = f"BrightPath Software {secrets.token_hex(4)}"
    # when: its manager renames it through the load balancer (either node)
    renamed = Visitor().request(
        cluster.lb_url,
        "PATCH",
        f"/api/v1/organisations/{organisation}",
        json.dumps({"name": new_name}).encode(),
        {"Authorization": f"Bearer {prepared['token']}", "Content-Type": "application/json"},
    )
    assert renamed.status == 200, renamed.body
    # then: at once, the page on every node shows the new name
    assert [node for node in nodes if new_name not in Visitor().get(node, path).body] == []


def test_each_task_runs_once_on_one_worker(cluster, prepared):
    # given: 30 tasks queued (each takes 50 ms), two workers polling the queue
    log = prepared["log"]
    queued = set(prepared["tasks"])
    # when
    lines: list[str] = []
    deadline = time.monotonic() + 40
    while len(lines) < len(queued) and time.monotonic() < deadline:
        time.sleep(0.5)
        lines = log.read_text().split("\n")[:-1] if log.exists() else []
    time.sleep(1.0)  # a task run twice would show up now
    runs = [line.split() for line in log.read_text().splitlines()]
    # then: every task ran exactly once, each on one worker, and both workers took some
    assert Counter(task for task, _ in runs) == Counter(queued)
    assert len({pid for _, pid in runs}) == 2
    rows = cluster.sql(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'bench.cluster.probe.probe_task'",
        cluster.database,
    )
    assert len(rows) == 30
    assert {status for status, _ in rows} == {"SUCCESSFUL"}
    assert all(len(worker_ids) == 1 for _, worker_ids in rows)


def test_a_stored_file_is_served_by_every_node(cluster, nodes, prepared):
    # given: a file stored by another process (as an action on any node would store it)
    public_id = prepared["file"]
    assert list(Path(cluster.workdir, "media").rglob("*.pdf"))
    # when/then
    for base in (*nodes, cluster.lb_url):
        answer = Visitor().get(base, f"/files/{public_id}/")
        assert answer.status == 200
        assert answer.body.startswith("%PDF-1.4")
