"""Idempotency keys on REST writes (docs/adr/0024): a retry with the same key writes nothing
and gets the same answer; another request with the key is refused."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from config.api import api
from conftest import token_for
from govhub.accounts.tests.factories import UserFactory
from govhub.core import idempotency
from govhub.core.idempotency import key_is_valid, sweep_idempotency_keys
from govhub.core.models import AuditEntry, IdempotencyKey
from govhub.core.sweep import sweep_run
from govhub.core.testing import assert_nothing_written
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Programme

pytestmark = pytest.mark.django_db


def _post(client: Client, token: str, path: str, body: Any, key: str | None, **extra: str) -> Any:
    headers = {"Authorization": f"Bearer {token}", **extra}
    if key is not None:
        headers["Idempotency-Key"] = key
    raw = body if isinstance(body, str) else json.dumps(body)
    return Client().post(f"/api/v1{path}", raw, content_type="application/json", headers=headers)


@pytest.fixture
def member() -> Any:
    return MembershipFactory(organisation=OrganisationFactory(kind="cso", subtype="ngo")).user


@pytest.fixture
def token(member: Any) -> str:
    return token_for(member)


def test_a_retry_with_the_same_key_gets_the_same_answer_and_writes_nothing(token):
    # given: a programme created with a key
    first = _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1")
    assert first.status_code == 201
    assert first.has_header("Idempotent-Replayed") is False
    counts = (Programme.objects.count(), AuditEntry.objects.count())
    # when: the same request again
    with assert_nothing_written():
        again = _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1")
    # then
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == "application/json; charset=utf-8"
    assert again["Idempotent-Replayed"] == "true"
    assert (Programme.objects.count(), AuditEntry.objects.count()) == counts
    assert AuditEntry.objects.filter(verb="programme.create").count() == 1
    stored = IdempotencyKey.objects.get()
    assert (stored.key, stored.method, stored.path, stored.status) == (
        "k-1",
        "POST",
        "/api/v1/programmes",
        201,
    )
    assert stored.expires_at - stored.created_at == timedelta(hours=24)


def test_the_same_json_spaced_and_ordered_differently_is_the_same_request(token):
    # given
    body = {"title": "Clean water", "summary": "Wells run dry."}
    first = _post(Client(), token, "/programmes", body, "k-1")
    # when
    spaced = '{ "summary" : "Wells run dry.",\n  "title": "Clean water" }'
    again = _post(Client(), token, "/programmes", spaced, "k-1")
    # then
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert again.content == first.content
    assert Programme.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(token):
    # given
    _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1")
    # when
    with assert_nothing_written():
        other = _post(Client(), token, "/programmes", {"title": "Roads"}, "k-1")
    # then
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert list(Programme.objects.values_list("title", flat=True)) == ["Clean water"]


def test_the_same_key_on_another_path_is_refused_and_writes_nothing(token):
    # given: a programme created with the key
    created = _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1").json()
    # when: the key sent again with a contribution to it
    contribution = {"type": "problem", "title": "Dry wells", "data": {"details": "x"}}
    with assert_nothing_written():
        other = _post(
            Client(), token, f"/programmes/{created['id']}/contributions", contribution, "k-1"
        )
    # then
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_are_each_callers_own(token):
    # given: another person of another organisation, with the same key
    other = token_for(
        MembershipFactory(organisation=OrganisationFactory(kind="cso", subtype="ngo")).user
    )
    _post(Client(), token, "/programmes", {"title": "Clean water"}, "shared")
    # when
    theirs = _post(Client(), other, "/programmes", {"title": "Clean water"}, "shared")
    # then: theirs ran, and is not a replay of the first person's answer
    assert theirs.status_code == 201
    assert theirs.has_header("Idempotent-Replayed") is False
    assert Programme.objects.count() == 2
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "tab\there", "bell\x07", "caf\u00e9", "del\x7f"],
    ids=["empty", "too-long", "tab", "control", "non-ascii", "delete"],
)
def test_a_malformed_key_is_refused_and_writes_nothing(token, key):
    # when
    with assert_nothing_written():
        refused = _post(Client(), token, "/programmes", {"title": "Clean water"}, key)
    # then
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_idempotency_key"


def test_a_key_of_255_printable_characters_is_taken(token):
    # given
    key = "".join(chr(32 + i % 95) for i in range(255))
    # when
    created = _post(Client(), token, "/programmes", {"title": "Clean water"}, key)
    # then
    assert created.status_code == 201
    assert IdempotencyKey.objects.get().key == key


@given(st.text(max_size=300))
def test_a_key_is_valid_exactly_when_it_is_1_to_255_printable_ascii_characters(key):
    expected = 1 <= len(key) <= 255 and all(0x20 <= ord(c) <= 0x7E for c in key)
    assert key_is_valid(key) is expected


def test_a_refused_write_keeps_no_key_so_the_retry_runs():
    # given: a person of no organisation is refused, key and all
    loner = UserFactory()
    loner_token = token_for(loner)
    refused = _post(Client(), loner_token, "/programmes", {"title": "Clean water"}, "k-1")
    assert refused.status_code == 403
    assert IdempotencyKey.objects.count() == 0
    # when: they join an organisation and send the same request with the same key
    MembershipFactory(user=loner, organisation=OrganisationFactory(kind="cso", subtype="ngo"))
    retried = _post(Client(), loner_token, "/programmes", {"title": "Clean water"}, "k-1")
    # then
    assert retried.status_code == 201
    assert retried.has_header("Idempotent-Replayed") is False
    assert Programme.objects.count() == 1
    assert list(IdempotencyKey.objects.values_list("key", "status")) == [("k-1", 201)]


def test_a_write_without_a_key_stores_none_and_costs_no_query_more(token):
    # given
    client = Client()
    _post(client, token, "/programmes", {"title": "Warm-up"}, None)
    # when
    with CaptureQueriesContext(connection) as queries:
        created = _post(client, token, "/programmes", {"title": "Clean water"}, None)
    # then
    assert created.status_code == 201
    assert IdempotencyKey.objects.count() == 0
    assert not [q for q in queries.captured_queries if "idempotency" in q["sql"].lower()]


def test_a_keyed_write_adds_two_statements_its_key_and_its_answer(token):
    # given
    _post(Client(), token, "/programmes", {"title": "Warm-up"}, None)
    with CaptureQueriesContext(connection) as plain:
        _post(Client(), token, "/programmes", {"title": "Plain"}, None)
    # when
    with CaptureQueriesContext(connection) as keyed:
        _post(Client(), token, "/programmes", {"title": "Keyed"}, "k-1")
    # then
    ours = [q["sql"] for q in keyed.captured_queries if "idempotency" in q["sql"].lower()]
    assert [sql.split()[0] for sql in ours] == ["INSERT", "UPDATE"]
    assert Programme.objects.count() == 3
    assert len(plain.captured_queries) > 0


def test_an_expired_key_is_a_new_key(token):
    # given: a key used 25 hours ago, not swept yet
    _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    # when
    again = _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1")
    # then
    assert again.status_code == 201
    assert again.has_header("Idempotent-Replayed") is False
    assert Programme.objects.count() == 2
    assert IdempotencyKey.objects.get().expires_at > timezone.now()


def test_the_sweep_deletes_expired_keys_in_batches(member, monkeypatch):
    # given: five expired keys and one still valid
    now = timezone.now()
    for n in range(6):
        IdempotencyKey.objects.create(
            user=member,
            key=f"k-{n}",
            method="POST",
            path="/api/v1/programmes",
            request_sha256="0" * 64,
            status=201,
            created_at=now - timedelta(hours=30),
            expires_at=now + timedelta(hours=1) if n == 5 else now - timedelta(hours=6 - n),
        )
    monkeypatch.setattr(idempotency, "SWEEP_BATCH", 2)
    # when
    with CaptureQueriesContext(connection) as queries:
        deleted = sweep_idempotency_keys(now)
    # then
    assert deleted == 5
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k-5"]
    deletes = [q for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3


def test_the_periodic_sweep_runs_the_key_job(member):
    # given
    past = timezone.now() - timedelta(days=2)
    IdempotencyKey.objects.create(
        user=member,
        key="old",
        method="POST",
        path="/api/v1/programmes",
        request_sha256="0" * 64,
        status=201,
        created_at=past,
        expires_at=past + timedelta(hours=24),
    )
    # when
    done = sweep_run()
    # then
    assert done["idempotency_keys"] == 1
    assert IdempotencyKey.objects.count() == 0


def _operations() -> list[tuple[str, Any]]:
    return [
        (path, op)
        for bound in api._get_bound_routers()
        for path, view in bound.path_operations.items()
        for op in view.operations
    ]


def test_every_write_behind_a_token_takes_a_key_and_documents_it():
    # given
    schema = api.get_openapi_schema()
    writes = {"POST", "PUT", "PATCH", "DELETE"}
    # when
    behind_a_token = [
        (path, op)
        for path, op in _operations()
        if writes.intersection(op.methods) and op.auth_callbacks
    ]
    public_writes = sorted(
        (path, m)
        for path, op in _operations()
        for m in op.methods
        if m in writes and not op.auth_callbacks
    )
    # then
    assert len(behind_a_token) == 16
    assert all(hasattr(op.run, "__wrapped__") for _path, op in behind_a_token)
    for path, op in behind_a_token:
        documented = schema["paths"][f"/api/v1{path}"][op.methods[0].lower()]
        names = [p["name"] for p in documented.get("parameters", [])]
        assert names.count("Idempotency-Key") == 1, path
    # the public writes store nothing (a computation, a verification): no key there
    assert public_writes == [
        ("/documents/{public_id}/verify", "POST"),
        ("/indices/self-assessment", "POST"),
    ]
    verify = schema["paths"]["/api/v1/documents/{public_id}/verify"]["post"]
    assert "Idempotency-Key" not in [p["name"] for p in verify.get("parameters", [])]


def _at_once(count: int, send: Any) -> list[Any]:
    """`send()` from `count` threads released together; their responses."""
    barrier = threading.Barrier(count)
    responses: list[Any] = []

    def one() -> None:
        try:
            barrier.wait()
            responses.append(send())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def _slow_create(monkeypatch: Any) -> None:
    """The write holds its transaction a while, so the others arrive while it runs."""
    from govhub.programmes import transitions

    create = transitions.programme_create

    def slow(**kwargs: Any) -> Any:
        programme = create(**kwargs)
        time.sleep(0.3)
        return programme

    monkeypatch.setattr(transitions, "programme_create", slow)


def _same_answer_once(responses: list[Any]) -> None:
    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.content for r in responses}) == 1
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", *["true"] * 3]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_write_once_on_postgresql(monkeypatch):
    # given: four copies of one request, sent at the same moment
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite version of this test follows (a file database of its own)")
    member = MembershipFactory(organisation=OrganisationFactory(kind="cso", subtype="ngo")).user
    token = token_for(member)
    _slow_create(monkeypatch)
    # when
    responses = _at_once(
        4, lambda: _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1")
    )
    # then: one ran; the others waited on the key's unique index and replayed its answer
    _same_answer_once(responses)
    assert Programme.objects.count() == 1
    assert AuditEntry.objects.filter(verb="programme.create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_write_once_on_sqlite(monkeypatch, tmp_path):
    # given: the test database copied to a file (the in-memory one cannot take writers side
    # by side), served to four threads through GovHub's backend with its writers' lock
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL version of this test is above")
    member = MembershipFactory(organisation=OrganisationFactory(kind="cso", subtype="ngo")).user
    token = token_for(member)
    path = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    settings = {**connection.settings_dict, "NAME": str(path), "CONN_MAX_AGE": 0}
    wrapper = type(connections["default"])

    def on_the_file() -> Any:
        connections["default"] = wrapper(settings, alias="default")
        return _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1")

    _slow_create(monkeypatch)
    # when
    responses = _at_once(4, on_the_file)
    # then: one ran; the others queued on the writers' lock and replayed its answer
    _same_answer_once(responses)
    check = wrapper(settings, alias="check")
    with check.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM programmes_programme")
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT COUNT(*) FROM core_auditentry WHERE verb = 'programme.create'")
        assert cursor.fetchone() == (1,)
    check.close()


def test_a_key_row_without_an_answer_is_409_in_progress_and_nothing_is_written(token, member):
    # given: a key row as another transaction would hold it before its commit
    body = json.dumps({"title": "Clean water"}, separators=(",", ":")).encode()
    now = timezone.now()
    IdempotencyKey.objects.create(
        user=member,
        key="k-1",
        method="POST",
        path="/api/v1/programmes",
        request_sha256=hashlib.sha256(body).hexdigest(),
        status=None,
        created_at=now,
        expires_at=now + timedelta(hours=24),
    )
    # when
    with assert_nothing_written():
        busy = _post(Client(), token, "/programmes", {"title": "Clean water"}, "k-1")
    # then
    assert busy.status_code == 409
    assert busy.json()["error"]["code"] == "idempotency_key_in_progress"
    assert Programme.objects.count() == 0
