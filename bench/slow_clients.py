"""Slow clients against a running server: `.venv/bin/python bench/slow_clients.py --url URL`.

Opens `--connections` connections that send a request a few bytes at a time (`--mode
headers`: a header line every `--interval` seconds, never the blank line that ends the
headers; `--mode body`: complete headers announcing a body, then one byte of it at a time),
and meanwhile times `GET /healthz` on fresh connections every `--probe-every` seconds. A
server that gives each connection a worker before its request has arrived stops answering
the probe; one that buffers requests (or times slow ones out) keeps answering.

Prints one JSON object: the probes (count, failures, p50/p99/max latency in ms) and how many
slow connections the server had closed by the end (a header or body timeout at work).
Used to choose the server of `govhub serve` (docs/adr/0003-server-gunicorn-whitenoise.md);
`govhub/core/tests/test_http.py` runs a short version of it against `govhub serve`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Report:
    connections: int
    opened: int = 0
    closed_by_server: int = 0
    probe_ms: list[float] = field(default_factory=list)
    probe_failures: int = 0

    def summary(self) -> dict[str, object]:
        ms = sorted(self.probe_ms)
        return {
            "slow_connections": self.connections,
            "opened": self.opened,
            "closed_by_server": self.closed_by_server,
            "probes": len(ms) + self.probe_failures,
            "probe_failures": self.probe_failures,
            "probe_p50_ms": round(statistics.median(ms), 1) if ms else None,
            "probe_p99_ms": round(ms[int(len(ms) * 0.99) - 1 if len(ms) > 1 else 0], 1)
            if ms
            else None,
            "probe_max_ms": round(ms[-1], 1) if ms else None,
        }


async def slow_client(
    host: str,
    port: int,
    index: int,
    mode: str,
    interval: float,
    stop: asyncio.Event,
    report: Report,
) -> None:
    """Send a request a trickle at a time until `stop`, or until the server hangs up."""
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        return
    report.opened += 1
    if mode == "headers":
        writer.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n".encode())
    else:
        writer.write(
            # The sign-in form: CSRF protection reads a form body before any view runs.
            f"POST /accounts/login/ HTTP/1.1\r\nHost: {host}\r\n"
            # A well-formed CSRF cookie, so that the check goes on to read the body's token.
            f"Cookie: csrftoken={'a' * 32}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000\r\n\r\n".encode()
        )
    line = 0
    try:
        while not stop.is_set():
            await writer.drain()
            try:
                # The server hanging up (EOF or an error answer) ends this client.
                data = await asyncio.wait_for(reader.read(1024), timeout=interval)
            except TimeoutError:
                line += 1
                trickle = f"X-Slow-{index}-{line}: 1\r\n".encode() if mode == "headers" else b"x"
                writer.write(trickle)
                continue
            if not data or data.startswith(b"HTTP/"):
                report.closed_by_server += 1
                return
    except (ConnectionError, OSError):
        report.closed_by_server += 1
    finally:
        writer.close()


async def probe(host: str, port: int, path: str, timeout: float) -> float | None:
    """Time one `GET path` on a fresh connection; None if it failed or took over `timeout`."""
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), timeout - (time.perf_counter() - start))
        await asyncio.wait_for(reader.read(), timeout - (time.perf_counter() - start))
        writer.close()
    except (OSError, TimeoutError):
        return None
    if not status.startswith(b"HTTP/1.1 200"):
        return None
    return (time.perf_counter() - start) * 1000


async def run(
    url: str,
    *,
    connections: int,
    mode: str = "headers",
    interval: float = 2.0,
    duration: float = 10.0,
    probe_every: float = 0.25,
    probe_timeout: float = 5.0,
    settle: float = 1.0,
) -> Report:
    """Hold `connections` slow clients open for `duration` seconds while probing /healthz."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    report = Report(connections)
    stop = asyncio.Event()
    clients = [
        asyncio.create_task(slow_client(host, port, i, mode, interval, stop, report))
        for i in range(connections)
    ]
    await asyncio.sleep(settle)  # let every slow client take its place first
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        took = await probe(host, port, "/healthz", probe_timeout)
        if took is None:
            report.probe_failures += 1
        else:
            report.probe_ms.append(took)
        await asyncio.sleep(probe_every)
    stop.set()
    await asyncio.gather(*clients, return_exceptions=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--mode", choices=["headers", "body"], default="headers")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between trickles")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of probing")
    parser.add_argument("--probe-every", type=float, default=0.25)
    parser.add_argument("--probe-timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    report = asyncio.run(
        run(
            args.url,
            connections=args.connections,
            mode=args.mode,
            interval=args.interval,
            duration=args.duration,
            probe_every=args.probe_every,
            probe_timeout=args.probe_timeout,
        )
    )
    print(json.dumps(report.summary()))
    return 0 if report.probe_failures == 0 and report.probe_ms else 1


if __name__ == "__main__":
    raise SystemExit(main())
