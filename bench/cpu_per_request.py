"""CPU time per request through Django's whole handler, in one process, without a server or
wrk: steadier than req/s on a shared machine (issue 10, item 4; ADR 0020).

    .venv/bin/python bench/cpu_per_request.py --db var/bench/govhub-bench.sqlite3 [--rounds 3]

Uses a database prepared by `bench/run.py` (1,000 organisations, the demo, the indices) and the
static files it collected under var/bench/static. Prints, per page, the median over rounds of
the mean CPU milliseconds per request, and the ratio of the baseline's to the page's (what
`vs baseline` estimates from req/s when the server is CPU-bound). Run it from two checkouts
in turn to compare them (interleave runs: the machine is noisy).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a prepared SQLite bench database")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="per page and round (200)")
    parser.add_argument("--accept-encoding", default="gzip, deflate, br")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    static = ROOT / "var" / "bench" / "static"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "cpu-per-request-" + "x" * 40,
            "GOVHUB_AUDIT_KEY": "cpu-per-request-" + "y" * 24,
            "SECURE_SSL_REDIRECT": "0",
            "GOVHUB_BENCH_BASELINE": "1",
            "GOVHUB_DEMO": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{args.db.resolve()}",
            "STATIC_ROOT": str(static),
            "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    out = io.StringIO()
    call_command("token", "create", "--user", "business@demo.example", "--name", "cpu", stdout=out)
    token = out.getvalue().strip().splitlines()[-1].strip()
    ids = json.loads((args.db.parent / "bench-ids.json").read_text())
    app = get_wsgi_application()
    seen: dict[str, str] = {}

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        seen["status"] = status

    def get(path: str, headers: dict[str, str]) -> bytes:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_ACCEPT_ENCODING": args.accept_encoding,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **headers,
        }
        response = app(environ, start_response)
        body = b"".join(response)
        response.close()  # type: ignore[attr-defined]
        return body

    pages = [
        ("baseline", "/bench/baseline", {}),
        ("home", "/", {}),
        ("directory", "/organisations/", {}),
        ("map_page", "/indices/", {}),
        ("programme_page", f"/programmes/{ids['big']}/", {}),
        ("api_me", "/api/v1/me", {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
    ]
    for name, path, headers in pages:
        for _ in range(30):
            get(path, headers)
        if not seen["status"].startswith("200"):
            raise SystemExit(f"{name}: GET {path} answered {seen['status']}")
    spent: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    for _ in range(args.rounds):
        for name, path, headers in pages:
            started = time.process_time()
            for _ in range(args.requests):
                get(path, headers)
            spent[name].append((time.process_time() - started) / args.requests * 1000)
    baseline = statistics.median(spent["baseline"])
    for name, path, headers in pages:
        cpu = statistics.median(spent[name])
        size = len(get(path, headers))
        print(f"{name:15s} {cpu:7.3f} ms cpu/req  {baseline / cpu:5.2f}x baseline  {size} bytes")


if __name__ == "__main__":
    main()
