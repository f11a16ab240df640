"""gunicorn's asyncio worker, with a deadline for the headers of a connection's first request.

gunicorn's asyncio worker already drops a request whose body stalls (`--timeout`) and an idle
kept-alive connection (`--keep-alive`, which also bounds the headers of every later request on
it), but waits for ever for the headers of a connection's *first* request: a client that
trickles them (slowloris) holds a socket and a file descriptor until it gives up. This worker
closes such a connection after `GOVHUB_HEADERS_TIMEOUT` seconds (10 by default). ADR 0003.

The worker swaps the protocol class that gunicorn's worker module builds connections with,
in the worker process only; tests/test_server.py proves the deadline against a real server,
so a gunicorn upgrade that changes these internals fails a test rather than silently.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from gunicorn.asgi.protocol import ASGIProtocol
from gunicorn.workers import gasgi


def headers_timeout() -> float:
    """Seconds a new connection has to send its first request's headers."""
    return float(os.environ.get("GOVHUB_HEADERS_TIMEOUT", "10"))


class HeadersDeadlineProtocol(ASGIProtocol):  # type: ignore[misc]
    """gunicorn's HTTP protocol, closing a connection whose first headers come too late."""

    _headers_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._headers_deadline = self.worker.loop.call_later(headers_timeout(), self._headers_late)

    def _on_headers_complete(self) -> Any:
        self._cancel_headers_deadline()  # later requests are bounded by --keep-alive
        return super()._on_headers_complete()

    def _headers_late(self) -> None:
        self._headers_deadline = None
        if self._request_ready is not None:
            self._keepalive_timeout()  # closes the connection and wakes its loop
        elif self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_headers_deadline()
        super().connection_lost(exc)

    def _cancel_headers_deadline(self) -> None:
        if self._headers_deadline is not None:
            self._headers_deadline.cancel()
            self._headers_deadline = None


class GovHubASGIWorker(gasgi.ASGIWorker):  # type: ignore[misc]
    """`govhub serve`'s worker class: gunicorn's asyncio worker with the headers deadline."""

    def init_process(self) -> None:
        gasgi.ASGIProtocol = HeadersDeadlineProtocol  # this process's connections only
        super().init_process()
