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

    async def read_body(self, receive: Any) -> Any:
        """Buffer the body up to GOVHUB_MAX_UPLOAD_BYTES; past that, stop reading."""
        limit: int = settings.GOVHUB_MAX_UPLOAD_BYTES
        body_file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (Django closes it)
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b"
        )
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                body_file.close()
                raise RequestAborted
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                # UploadLimitMiddleware answers 413 from the length (see create_request).
                body_file.govhub_oversized = size  # type: ignore[attr-defined]
                break
            body_file.write(chunk)
            if not message.get("more_body", False):
                break
        body_file.seek(0)
        return body_file

    def create_request(self, scope: Mapping[str, Any], body_file: Any) -> Any:
        oversized = getattr(body_file, "govhub_oversized", None)
        if oversized is not None:
            # A chunked body has no Content-Length: give the middleware the size read so far.
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
            scope = {**scope, "headers": [*headers, (b"content-length", str(oversized).encode())]}
        return super().create_request(scope, body_file)


def build(threads: int = 1) -> GovHubASGIHandler:
    """The application, with `threads` view threads per process (`config.asgi:build(4)`)."""
    return GovHubASGIHandler(threads=threads)


django.setup(set_prefix=False)
application = build()
