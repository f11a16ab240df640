"""ASGI entry point: `govhub serve` runs it in gunicorn's asyncio worker (`-k asgi`).

The event loop reads each request whole (headers, then body) before any Django code runs, so
slow clients cost a socket and a few kilobytes, not a worker (ADR 0003). Django's own ASGI
handler then runs each request's synchronous code in a new thread; GovHub's handler runs it
in one thread per worker process instead, as gunicorn's sync workers did: the database
connection persists across requests (CONN_MAX_AGE) and each process has one SQLite writer.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import warnings
from collections.abc import Mapping
from typing import Any

import django
from django.conf import settings
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

Scope = dict[str, Any]

# WhiteNoise streams static files from a synchronous iterator, which Django's ASGI handler
# reads in a thread (static files are small; a CDN or proxy serves them at scale).
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)


class GovHubASGIHandler(ASGIHandler):
    """Django's ASGI handler with `threads` threads for views and a bounded request body."""

    def __init__(self, *, threads: int = 1) -> None:
        super().__init__()
        self.threads = threads
        self.slots = asyncio.Semaphore(threads)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"GovHub serves HTTP only, not {scope['type']}.")
        if self.threads == 1:
            # Django wraps this call in a ThreadSensitiveContext, which gives every request a
            # thread (and a database connection) of its own. Without it, asgiref runs all
            # thread-sensitive code, i.e. every view and middleware, in one shared thread.
            await self.handle(scope, receive, send)
            return
        async with self.slots:  # at most `threads` requests in Django at once
            await super().__call__(scope, receive, send)

    async def handle(self, scope: Scope, receive: Any, send: Any) -> None:
        await super().handle(scope, BoundedBody(scope, receive), send)

    async def read_body(self, receive: Any) -> Any:
        """The whole body, or as much as GOVHUB_MAX_UPLOAD_BYTES allows (see BoundedBody)."""
        if isinstance(receive, BoundedBody):
            return await receive.read()
        return await super().read_body(receive)  # pragma: no cover (handle always wraps)

    def create_request(self, scope: Mapping[str, Any], body_file: Any) -> Any:
        oversized = getattr(body_file, "govhub_oversized", None)
        if oversized is not None:
            # A chunked body has no Content-Length: give the middleware the size read so far.
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
            scope = {**scope, "headers": [*headers, (b"content-length", str(oversized).encode())]}
        return super().create_request(scope, body_file)


class BoundedBody:
    """A request's ASGI `receive`, and its body read into a file up to the upload limit.

    Past the limit (declared by Content-Length, or counted while a chunked body arrives) the
    reading stops, the file is marked `govhub_oversized` and UploadLimitMiddleware answers
    413; Django, waiting for a disconnect meanwhile, never sees the rest of the body.
    """

    def __init__(self, scope: Scope, receive: Any) -> None:
        self.receive = receive
        self.limit: int = settings.GOVHUB_MAX_UPLOAD_BYTES
        self.declared = _content_length(scope)
        self.finished = False

    async def __call__(self) -> dict[str, Any]:
        message: dict[str, Any] = await self.receive()
        while self.finished and message["type"] == "http.request":
            message = await self.receive()  # the rest of a refused body
        return message

    async def read(self) -> Any:
        body_file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (Django closes it)
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b"
        )
        size = 0
        if self.declared > self.limit:
            size = self.declared  # refused unread
        while size <= self.limit:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                body_file.close()
                raise RequestAborted
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= self.limit:
                body_file.write(chunk)
            if not message.get("more_body", False):
                break
        self.finished = True
        if size > self.limit:
            body_file.govhub_oversized = size  # type: ignore[attr-defined]
        body_file.seek(0)
        return body_file


def _content_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def build(threads: int = 1) -> GovHubASGIHandler:
    """The application, with `threads` view threads per process (`config.asgi:build(4)`)."""
    return GovHubASGIHandler(threads=threads)


django.setup(set_prefix=False)
application = build()
