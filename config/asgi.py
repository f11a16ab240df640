"""ASGI entry point: `govhub serve` runs it in gunicorn's asyncio worker (`-k asgi`).

The event loop reads each request whole (headers, then body) before any Django code runs, so
slow clients cost a socket and a few kilobytes, not a worker (ADR 0003). Then the request
goes through Django's synchronous handler, as under WSGI, in one of `threads` long-lived
threads (one by default, like gunicorn's sync workers): each thread keeps its database
connection across requests (CONN_MAX_AGE), and a process has one SQLite writer per thread.
Django's own ASGI handler would instead start a thread (and open a connection) per request
and hop between threads several times per request: about 0.5 ms of CPU more a request.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import warnings
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import HttpResponseBase
from django.urls import set_script_prefix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

Scope = dict[str, Any]

# WhiteNoise streams static files from a synchronous iterator, which Django's ASGI handler
# reads in a thread (static files are small; a CDN or proxy serves them at scale).
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)


class GovHubASGIHandler(ASGIHandler):
    """Whole requests from the event loop, answered by Django's synchronous handler in one
    of `threads` long-lived threads."""

    def __init__(self, *, threads: int = 1) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)  # the middleware chain of WSGI, run in a lane
        self.lanes: asyncio.Queue[ThreadPoolExecutor] = asyncio.Queue()
        for lane in range(threads):
            self.lanes.put_nowait(ThreadPoolExecutor(1, thread_name_prefix=f"view-{lane}"))

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"GovHub serves HTTP only, not {scope['type']}.")
        body = BoundedBody(scope, receive)
        try:
            body_file = await body.read()
        except RequestAborted:
            return
        # Waiting for the client to hang up keeps the server reading the connection (without
        # it, gunicorn's worker left a kept-alive connection's next request waiting ~0.4 s).
        listener = asyncio.ensure_future(body())
        lane = await self.lanes.get()
        try:
            respond = sync_to_async(self._respond, thread_sensitive=False, executor=lane)
            finish = sync_to_async(self._finish, thread_sensitive=False, executor=lane)
            response = await respond(scope, body_file)
            try:
                await self.send_response(response, send)
            finally:
                await finish(response, body_file)
        finally:
            self.lanes.put_nowait(lane)
            listener.cancel()

    def _respond(self, scope: Scope, body_file: Any) -> HttpResponseBase:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            return error_response  # type: ignore[no-any-return]
        return self.get_response(request)

    @staticmethod
    def _finish(response: HttpResponseBase, body_file: Any) -> None:
        response.close()  # sends request_finished: old database connections close here
        body_file.close()

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
    413; the rest of the body is never read into the file.
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
        body_file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed after the response)
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
