"""Idempotency keys for REST writes (docs/adr/0024-idempotency-keys.md).

A write sent with `Idempotency-Key: <key>` runs once. The key row is inserted first, inside
one transaction that also holds the write (the action's own transaction becomes a savepoint
of it) and the stored answer, so an acknowledged write and its key are both there or
neither. A retry with the same key, method, path and body gets the stored status, body and
headers back with `Idempotent-Replayed: true` and writes nothing; the same key with another
request is 422 `idempotency_key_reused`. A concurrent retry waits on the unique (user, key)
index (PostgreSQL) or the writers' lock (SQLite, ADR 0010) until the first commits, then
replays. Only successful (2xx) answers are kept: a refused write wrote nothing and may be
tried again with the same key.

A write without the header costs one dictionary lookup more than before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache, wraps
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import SuspiciousOperation
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from govhub.core.db import statements
from govhub.core.errors import Conflict, InvalidInput, RuleBroken
from govhub.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
LIFETIME = timedelta(hours=24)
# The answer's headers a replay repeats; the middleware adds the rest again on the way out.
KEPT_HEADERS = ("Content-Type", "Location", "Content-Disposition")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SWEEP_BATCH = 1000

_META_NAME = "HTTP_IDEMPOTENCY_KEY"
_REQUEST_ATTR = "_govhub_idempotency"


def key_is_valid(key: str) -> bool:
    """1 to 255 printable ASCII characters (space to tilde)."""
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


@dataclass
class _Claim:
    """A keyed request on its way: what it is, and its key row once inserted."""

    key: str
    method: str
    path: str
    request_sha256: str
    row_id: int | None = None


def _canonical_path(request: HttpRequest) -> str:
    """The path and its query string with the parameters sorted."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return request.path
    return f"{request.path}?{urlencode(sorted(parse_qsl(query, keep_blank_values=True)))}"


def _body_sha256(request: HttpRequest) -> str:
    """SHA-256 of the body; a JSON body is hashed as compact JSON with sorted keys, so
    spacing and key order do not make a retry a different request."""
    body = request.body
    if request.content_type == "application/json" and body:
        try:
            parsed = json.loads(body)
        except ValueError:
            pass  # refused later by the operation; hashed as sent
        else:
            body = json.dumps(
                parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode()
    return hashlib.sha256(body).hexdigest()


@lru_cache(maxsize=2)
def _insert_sql(vendor: str) -> str:
    columns, placeholders = statements.insert_columns(IdempotencyKey)
    conflict = (
        f"{statements.column(IdempotencyKey, 'user')}, {statements.column(IdempotencyKey, 'key')}"
    )
    return (
        f"INSERT INTO {statements.table(IdempotencyKey)} ({columns}) "  # noqa: S608
        f"VALUES ({placeholders}) ON CONFLICT ({conflict}) DO NOTHING "
        f"RETURNING {statements.column(IdempotencyKey, 'id')}"
    )


@lru_cache(maxsize=2)
def _store_sql(vendor: str) -> str:
    changed = ("status", "response_body", "response_headers")
    return (
        f"UPDATE {statements.table(IdempotencyKey)} "  # noqa: S608
        f"SET {statements.set_clause(IdempotencyKey, changed)} "
        f"WHERE {statements.column(IdempotencyKey, 'id')} = %s"
    )


def _insert(user_id: int, claim: _Claim, now: datetime) -> int | None:
    """Insert the key row; None when the caller has this key already. On PostgreSQL a
    concurrent insert of the same key waits here until the other transaction ends."""
    row = IdempotencyKey(
        user_id=user_id,
        key=claim.key,
        method=claim.method,
        path=claim.path,
        request_sha256=claim.request_sha256,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    sql = _insert_sql(connection.vendor)
    inserted = statements.run(sql, statements.insert_values(row))
    return None if inserted is None else int(inserted[0])


def _claim(user: Any, claim: _Claim) -> HttpResponse | None:
    """Take the key for this request (None: go on and write), or the stored answer to
    replay; 422 when the key was used for another request."""
    if not key_is_valid(claim.key):
        raise InvalidInput(
            _("The Idempotency-Key header must be 1 to 255 printable ASCII characters."),
            code="invalid_idempotency_key",
        )
    now = timezone.now()
    mine = IdempotencyKey.objects.filter(user_id=user.pk, key=claim.key)
    for _attempt in range(3):
        claim.row_id = _insert(user.pk, claim, now)
        if claim.row_id is not None:
            return None
        stored = mine.first()
        if stored is None or stored.expires_at <= now:  # swept meanwhile, or due to be
            mine.filter(expires_at__lte=now).delete()
            continue  # insert again (a concurrent request may have got there first)
        if (stored.method, stored.path, stored.request_sha256) != (
            claim.method,
            claim.path,
            claim.request_sha256,
        ):
            raise RuleBroken(
                _("This Idempotency-Key was used for another request: send a new key."),
                code="idempotency_key_reused",
            )
        if stored.status is not None:
            return _replay(stored)
        break  # not seen in practice: another transaction's row is not visible
    raise Conflict(
        _("A request with this Idempotency-Key is still running: retry in a moment."),
        code="idempotency_key_in_progress",
    )


def _replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(stored.response_body), status=stored.status)
    for name, value in stored.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _store(claim: _Claim, response: HttpResponseBase) -> None:
    """Keep the answer in the key row (inside the write's transaction)."""
    assert claim.row_id is not None
    if response.streaming:  # no body to keep: the write stands, its key is not kept
        IdempotencyKey.objects.filter(pk=claim.row_id).delete()
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    values = statements.set_values(
        IdempotencyKey,
        {
            "status": response.status_code,
            "response_body": response.content,  # type: ignore[attr-defined]
            "response_headers": headers,
        },
    )
    statements.run(_store_sql(connection.vendor), [*values, claim.row_id])


def _applies(operation: Any) -> bool:
    """Writes behind a token: an anonymous caller has no key of their own (ADR 0024)."""
    return bool(WRITE_METHODS.intersection(operation.methods)) and bool(operation.auth_callbacks)


def _claim_first(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Runs after authentication and input parsing: claim the key, or replay its answer."""

    @wraps(view_func)
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        claim: _Claim | None = getattr(request, _REQUEST_ATTR, None)
        if claim is not None:
            stored = _claim(request.user, claim)
            if stored is not None:
                return stored
        return view_func(request, *args, **kwargs)

    return view


def idempotent(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A ninja "view" decorator (`api.add_decorator(idempotent, mode="view")`): wraps the
    `run` of every write behind a token in one transaction when it carries the header, and
    its handler in the key's claim (ninja authenticates and parses inside `run`)."""
    operation = getattr(run, "__self__", None)
    if operation is None or not _applies(operation):
        return run
    operation.view_func = _claim_first(operation.view_func)

    @wraps(run)
    def run_once(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.META.get(_META_NAME)
        if key is None:
            return run(request, *args, **kwargs)
        try:
            claim = _Claim(
                key, request.method or "", _canonical_path(request), _body_sha256(request)
            )
        except SuspiciousOperation as exc:  # e.g. a body over the limit: the usual refusal
            refusal: HttpResponseBase = operation.api.on_exception(request, exc)
            return refusal
        setattr(request, _REQUEST_ATTR, claim)
        # Outermost: on SQLite this BEGIN IMMEDIATE takes the writers' lock before any read.
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            if claim.row_id is not None and 200 <= response.status_code < 300:
                _store(claim, response)
            else:  # refused, failed or replayed: nothing of it stays
                transaction.set_rollback(True)
        return response

    return run_once


def idempotency_install(api: NinjaAPI) -> None:
    """Give every write behind a token of `api` idempotency keys, and document the header
    (call before the API's URLs are built)."""
    api.add_decorator(idempotent, mode="view")
    generate = api.get_openapi_schema

    def get_openapi_schema(*args: Any, **kwargs: Any) -> Any:
        return document_idempotency(generate(*args, **kwargs))

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]


KEY_PARAMETER: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: the first request with a key runs; a retry with the same key, "
        "path and body within 24 hours gets the same answer back (with "
        f"`{REPLAYED_HEADER}: true`) and writes nothing. Keys are the caller's own; only "
        "successful answers are kept. Reusing a key for another request is 422 "
        "`idempotency_key_reused`; a malformed key is 400 `invalid_idempotency_key`."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_KEY_LENGTH,
        "pattern": "^[ -~]+$",
    },
}
REPLAYED_RESPONSE_HEADER: dict[str, Any] = {
    "description": "`true` when this is the stored answer to an earlier request with the "
    "same Idempotency-Key",
    "schema": {"type": "string", "enum": ["true"]},
}


def document_idempotency(schema: dict[str, Any]) -> dict[str, Any]:
    """Put the header on every write behind a token in an OpenAPI document."""
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method.upper() not in WRITE_METHODS or not operation.get("security"):
                continue
            operation.setdefault("parameters", []).append(KEY_PARAMETER)
            for status, response in operation.get("responses", {}).items():
                if str(status).startswith("2"):
                    response.setdefault("headers", {})[REPLAYED_HEADER] = REPLAYED_RESPONSE_HEADER
    return schema


def sweep_idempotency_keys(now: datetime) -> int:
    """The sweep's job: delete expired keys, a batch at a time (each its own short write,
    so the writers' lock is never held long). Returns how many were deleted."""
    deleted = 0
    while True:
        ids = list(
            IdempotencyKey.objects.filter(expires_at__lte=now)
            .order_by("expires_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if not ids:
            return deleted
        deleted += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
        if len(ids) < SWEEP_BATCH:
            return deleted
