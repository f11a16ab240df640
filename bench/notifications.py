"""Notifications drained by one worker: `.venv/bin/python bench/notifications.py [--count N]`.

Queues N notifications (default 10,000; one email each, to N people) in a fresh SQLite
database under var/bench/, starts a local SMTP server (aiosmtpd, on a free loopback port),
then runs one `govhub db_worker --batch` and times it. Prints the rate two ways: over the
worker's sending (the task's start to its end) and over the whole run of the worker
process (including Django's start). Target: >= 200 messages per second.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_BENCH = ROOT / "var" / "bench"
DB_FILE = VAR_BENCH / "notifications-bench.sqlite3"
TARGET = 200.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()

    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOVHUB_", "EMAIL_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Production settings (cached templates), with throwaway keys.
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "GOVHUB_AUDIT_KEY": secrets.token_urlsafe(32),
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{DB_FILE}",
        "GOVHUB_TASKS_BACKEND": "django_tasks_db.backend.DatabaseBackend",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command

    from govhub.core.notifications.testing import SmtpServer

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    smtp = SmtpServer()
    smtp.inbox.keep = False  # count only: parsing 10,000 messages would slow the server
    smtp.start()
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp.port}"
    try:
        call_command("migrate", verbosity=0)
        queued = _queue(args.count)
        result = _drain(env, args.count)
    finally:
        smtp.stop()
    result |= {"queued_s": round(queued, 2), "received": smtp.inbox.count}
    print(json.dumps(result, indent=2))
    ok = result["sent"] == args.count and smtp.inbox.count == args.count
    print(
        f"bench: notifications: {args.count} drained by one worker: "
        f"{result['send_rate']:.0f}/s sending, {result['process_rate']:.0f}/s with start-up, "
        f"{result['cpu_rate']:.0f}/s per CPU-second of the worker "
        f"(target >= {TARGET:.0f}/s: {'met' if result['send_rate'] >= TARGET else 'MISSED'})"
    )
    return 0 if ok else 1


def _queue(count: int) -> float:
    from django.contrib.auth import get_user_model

    from govhub.core.notifications.actions import notify_now

    users = get_user_model()
    started = time.perf_counter()
    users.objects.bulk_create(
        [users(email=f"person{i}@bench.example", full_name=f"Person {i}") for i in range(count)],
        batch_size=1000,
    )
    ids = list(users.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, count, 1000):
        notify_now(
            recipient_ids=ids[start : start + 1000],
            kind="core.notice",
            reference="GH-2026-0001 Digital ID",
            url="/programmes/1/",
            context={"title": "Step 2 has begun", "text": "Your organisation takes part."},
        )
    return time.perf_counter() - started


def _drain(env: dict[str, str], count: int) -> dict[str, float | int]:
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    from govhub.core.notifications.models import Delivery

    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "govhub.cli",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "-v",
            "0",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The worker's own CPU time: its rate on an idle core, whatever else the machine runs.
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    # The tasks' own start and end: the worker's sending, without Django's start-up.
    span = DBTaskResult.objects.aggregate(first=Min("started_at"), last=Max("finished_at"))
    sending = (span["last"] - span["first"]).total_seconds() if span["first"] else 0.0
    sent = Delivery.objects.filter(status="sent").count()
    tasks = DBTaskResult.objects.count()
    return {
        "count": count,
        "sent": sent,
        "tasks": tasks,
        "worker_wall_s": round(wall, 2),
        "sending_s": round(sending, 2),
        "send_rate": round(sent / sending, 1) if sending else 0.0,
        "process_rate": round(sent / wall, 1),
        "worker_cpu_s": round(cpu, 2),
        "cpu_rate": round(sent / cpu, 1) if cpu else 0.0,
        "load_average": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    sys.exit(main())
