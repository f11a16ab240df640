"""Real processes: `govhub db_worker` killed with SIGKILL mid-task; another worker runs the
task after the lease, once (docs/adr/0025). SQLite file, a lease of 3 s, beats every 1 s."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django_tasks import TaskContext, task

from govhub.core.tests.test_workers import _env as _server_env

ROOT = Path(__file__).resolve().parents[3]

ENQUEUE = (
    "import django; django.setup(); "
    "from govhub.core.tests.test_task_leases_process import slow_the_first_time as t; "
    "import sys; print(t.enqueue(sys.argv[1]).id)"
)


@task(takes_context=True)
def slow_the_first_time(context: TaskContext, path: str) -> int:
    """Note the run in `path`; the first attempt then hangs (its worker is killed there)."""
    attempt = len(context.task_result.worker_ids)
    with open(path, "a", encoding="ascii") as out:
        out.write(f"{attempt} {os.getpid()}\n")
    if attempt == 1:
        time.sleep(120)
    return attempt


def _env(db: Path) -> dict[str, str]:
    return {
        **_server_env(db),
        "GOVHUB_TASK_LEASE_SECONDS": "3",
        "GOVHUB_TASK_HEARTBEAT_SECONDS": "1",
    }


def _govhub(db: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "govhub.cli", *args],
        env=_env(db),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.2)


def _row(db: Path, task_id: str) -> tuple[str, str]:
    with sqlite3.connect(db) as connection:
        found = connection.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?",
            (task_id.replace("-", ""),),
        ).fetchone()
    return (found[0], found[1]) if found else ("", "")


def test_a_task_whose_worker_is_killed_mid_task_is_run_by_another_worker(
    tmp_path: Path,
) -> None:
    # given: a migrated database and one queued task; worker "w1" starts running it
    db = tmp_path / "db.sqlite3"
    runs = tmp_path / "runs.txt"
    env = _env(db)
    migrate = [sys.executable, "-m", "govhub.cli", "migrate", "-v", "0"]
    subprocess.run(migrate, env=env, cwd=ROOT, check=True)
    queued = subprocess.run(
        [sys.executable, "-c", ENQUEUE, str(runs)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    task_id = queued.stdout.strip()
    worker_options = ("--no-reload", "--no-startup-delay", "--interval", "0.2")
    first = _govhub(db, "db_worker", *worker_options, "--worker-id", "w1")
    second = None
    try:
        _wait_for(lambda: runs.exists(), 30)
        # when: w1 is killed mid-task, and another worker is running
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        second = _govhub(db, "db_worker", *worker_options, "--worker-id", "w2")
        _wait_for(lambda: _row(db, task_id)[0] == "SUCCESSFUL", 30)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    # then: after the lease, w2 ran it to the end, once
    assert _row(db, task_id) == ("SUCCESSFUL", '["w1", "w2"]')
    assert [line.split()[0] for line in runs.read_text().splitlines()] == ["1", "2"]
