"""The cost of an Idempotency-Key on a gate decision (ADR 0024): CPU, wall time and statements
per `POST /api/v1/programmes/{id}/advance`, with and without a key, in one process through
Django's whole handler (steadier than req/s on a shared machine).

    .venv/bin/python bench/advance_cost.py --database-url sqlite:///var/bench/govhub-bench.sqlite3
    .venv/bin/python bench/advance_cost.py --database-url postgres://…/db [--rounds 5]

Uses a database prepared by `bench/run.py` (its `bench-ids.json` names the step-1 programmes
still to advance, and is updated so that a later run takes fresh ones). Rounds alternate the
two kinds of request, each on fresh programmes, and the medians are printed.
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
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--ids", type=Path, default=ROOT / "var" / "bench" / "bench-ids.json")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100, help="per kind and round (100)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "advance-cost-" + "x" * 40,
            "GOVHUB_AUDIT_KEY": "advance-cost-" + "y" * 24,
            "SECURE_SSL_REDIRECT": "0",
            "GOVHUB_DEMO": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": args.database_url,
            "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
            "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    out = io.StringIO()
    call_command(
        "token", "create", "--user", "local_body@demo.example", "--name", "cost", stdout=out
    )
    token = out.getvalue().strip().splitlines()[-1].strip()
    ids = json.loads(args.ids.read_text())
    ready: list[int] = ids["ready"][int(ids.get("used", 0)) :]
    needed = 2 * (args.rounds + 1) * args.requests
    if len(ready) < needed:
        raise SystemExit(f"{len(ready)} fresh programmes left, {needed} needed")
    ids["used"] = int(ids.get("used", 0)) + needed
    args.ids.write_text(json.dumps(ids))
    app = get_wsgi_application()
    seen: dict[str, str] = {}
    statements = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[0] += 1
        return execute(sql, params, many, context)

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        seen["status"] = status

    def advance(programme: int, key: bool) -> None:
        body = b'{"expected_step": 1}'
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": f"/api/v1/programmes/{programme}/advance",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if key:
            environ["HTTP_IDEMPOTENCY_KEY"] = f"cost-{programme}"
        response = app(environ, start_response)
        b"".join(response)
        response.close()  # type: ignore[attr-defined]
        if not seen["status"].startswith("200"):
            raise SystemExit(f"advance {programme} (key: {key}) answered {seen['status']}")

    kinds = {"without key": False, "with key": True}
    cpu: dict[str, list[float]] = {k: [] for k in kinds}
    wall: dict[str, list[float]] = {k: [] for k in kinds}
    made: dict[str, list[float]] = {k: [] for k in kinds}
    with connection.execute_wrapper(count):
        for round_ in range(args.rounds + 1):  # the first round warms up
            for name, key in kinds.items() if round_ % 2 else reversed(kinds.items()):
                batch, ready = ready[: args.requests], ready[args.requests :]
                statements[0] = 0
                started, clock = time.process_time(), time.perf_counter()
                for programme in batch:
                    advance(programme, key)
                if round_:
                    cpu[name].append((time.process_time() - started) / len(batch) * 1000)
                    wall[name].append((time.perf_counter() - clock) / len(batch) * 1000)
                    made[name].append(statements[0] / len(batch))
    print(f"{connection.vendor}, {args.rounds} rounds of {args.requests} advances per kind")
    for name in kinds:
        print(
            f"{name:12s} {statistics.median(cpu[name]):7.3f} ms cpu/req  "
            f"{statistics.median(wall[name]):7.3f} ms wall/req  "
            f"{statistics.median(made[name]):5.1f} statements/req"
        )


if __name__ == "__main__":
    main()
