"""`govhub serve` and its ASGI handler (config/asgi.py): slow clients, bodies, threads."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.http import HttpRequest, JsonResponse
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.asgi import GovHubASGIHandler
from govhub.core.testing import free_port

ROOT = Path(__file__).resolve().parents[3]


@contextmanager
def govhub_serve(tmp_path: Path, *args: str, **extra_env: str) -> Iterator[str]:
    """Run `govhub serve` with production settings (debug off) until the block ends."""
    port = free_port()
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOVHUB_", "SECURE_"))
    }
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "s" * 50,
        "GOVHUB_AUDIT_KEY": "a" * 43,  # production refuses to start without it
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "GOVHUB_ACCESS_LOG": "/dev/null",
        **extra_env,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "govhub.cli", "serve", "--port", str(port), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One `govhub serve` (one worker) for the module's tests: its URL and its directory."""
    tmp_path = tmp_path_factory.mktemp("serve")
    with govhub_serve(tmp_path, "--workers", "1") as base:
        yield base, tmp_path


def test_govhub_serve_runs_the_production_server(served):
    # given: production settings (debug off), a fresh database and static root
    base, tmp_path = served
    # when
    with urllib.request.urlopen(f"{base}/", timeout=5) as response:
        body = response.read().decode()
        server_header = response.headers.get("Server", "")
    # then: gunicorn's asyncio worker serves the home page with hashed, collected static files
    assert "GovHub" in body
    assert server_header == "gunicorn/asgi"
    assert "/static/govhub/site." in body
    assert "site.css" not in body.split("/static/govhub/site.", 1)[1][:4]
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_healthz_answers_at_once_while_slow_clients_hold_connections(served):
    base = served[0]
    with ExitStack() as stack:
        host, port = "127.0.0.1", int(base.rsplit(":", 1)[1])
        # given: 20 connections half way through their headers, 20 half way through a body
        for i in range(40):
            sock = stack.enter_context(socket.create_connection((host, port), timeout=5))
            if i % 2:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            else:
                sock.sendall(
                    b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Cookie: csrftoken=" + b"a" * 32 + b"\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 1000\r\n\r\ncsrfmiddlewaretoken="
                )
        time.sleep(0.5)
        # when
        took = []
        for _ in range(5):
            start = time.monotonic()
            with urllib.request.urlopen(f"{base}/healthz", timeout=3) as response:
                status = response.status
            took.append(time.monotonic() - start)
        # then: the one worker still answers, each time within a second
        assert status == 200
        assert max(took) < 1.0


def test_a_client_that_never_finishes_its_headers_is_disconnected(tmp_path):
    # given: a server that gives a new connection one second for its headers
    with govhub_serve(tmp_path, "--workers", "1", GOVHUB_HEADERS_TIMEOUT="1") as base:
        host, port = "127.0.0.1", int(base.rsplit(":", 1)[1])
        with socket.create_connection((host, port), timeout=10) as slow:
            # when: a client sends half its headers, then nothing more
            slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            start = time.monotonic()
            closed = slow.recv(1) == b""
            waited = time.monotonic() - start
        # then: the server closes it after the deadline, and still serves others
        with urllib.request.urlopen(f"{base}/healthz", timeout=3) as response:
            status = response.status
    assert closed
    assert 0.5 < waited < 5
    assert status == 200


@csrf_exempt
def echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "content_length": request.META.get("CONTENT_LENGTH"),
            "transfer_encoding": request.META.get("HTTP_TRANSFER_ENCODING"),
            "body": request.body.decode(),
            "thread": threading.current_thread().name,
        }
    )


urlpatterns = [path("api/v1/echo", echo)]  # under /api/: errors come as JSON


def asgi_post(app: GovHubASGIHandler, chunks: list[bytes], headers: list[Any]) -> tuple[int, Any]:
    """POST /api/v1/echo through the ASGI app, the body in `chunks` as the server hands them on."""

    async def run() -> tuple[int, Any]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/api/v1/echo",
            "raw_path": b"/api/v1/echo",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), *headers],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
        }
        communicator = ApplicationCommunicator(app, scope)
        for i, chunk in enumerate(chunks):
            more = i < len(chunks) - 1
            await communicator.send_input(
                {"type": "http.request", "body": chunk, "more_body": more}
            )
        start = await communicator.receive_output(5)
        body = b""
        while True:
            message = await communicator.receive_output(5)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(5)
        return start["status"], json.loads(body) if body.startswith(b"{") else body

    return asyncio.run(run())


CHUNKED = [(b"transfer-encoding", b"chunked"), (b"content-type", b"text/plain")]


@override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=[])
def test_a_chunked_body_reaches_django_whole_without_a_content_length():
    # given: the server has decoded a chunked body into three pieces
    app = GovHubASGIHandler()
    # when
    status, answer = asgi_post(app, [b"one ", b"two ", b"three"], CHUNKED)
    # then: Django reads the whole body; CONTENT_LENGTH is absent, the framing is visible
    assert status == 200
    assert answer["body"] == "one two three"
    assert answer["content_length"] is None
    assert answer["transfer_encoding"] == "chunked"


@override_settings(
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["govhub.core.middleware.UploadLimitMiddleware"],
    GOVHUB_MAX_UPLOAD_BYTES=10,
)
@pytest.mark.parametrize(
    ("chunks", "headers"),
    [
        ([b"12345", b"67890", b"X"], CHUNKED),  # past the limit in its last piece
        ([b"12345", b"67890", b"X", b"more", b"and more"], CHUNKED),  # and beyond
        ([b"12345", b"67890", b"X", b"more"], [(b"content-length", b"1000000")]),
    ],
)
def test_a_body_over_the_upload_limit_is_refused_with_413(chunks, headers):
    # given: a limit of 10 bytes and a body that goes past it
    app = GovHubASGIHandler()
    # when
    status, answer = asgi_post(app, chunks, headers)
    # then
    assert status == 413
    assert answer["error"]["code"] == "payload_too_large"


@override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=[])
def test_the_views_of_a_worker_run_in_one_thread_so_its_database_connection_persists():
    # given
    app = GovHubASGIHandler()
    # when: two requests, one after the other
    _, first = asgi_post(app, [b"a"], [])
    _, second = asgi_post(app, [b"b"], [])
    # then: the same thread (Django's own ASGI handler starts a thread per request)
    assert first["thread"] == second["thread"] == "view-0_0"


@override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=[])
def test_with_more_threads_requests_take_turns_over_them():
    # given
    app = GovHubASGIHandler(threads=2)
    # when
    answers = [asgi_post(app, [b"x"], [])[1]["thread"] for _ in range(4)]
    # then
    assert answers == ["view-0_0", "view-1_0", "view-0_0", "view-1_0"]
