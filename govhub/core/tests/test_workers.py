"""Background work: `govhub serve --with-worker` runs a worker and the sweep beside the web
server and never leaves them behind; `govhub sweep` queues what is due."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from govhub.accounts.tests.factories import UserFactory
from govhub.core.notifications.models import Delivery, Notification
from govhub.core.notifications.testing import smtp_server
from govhub.core.sweep import sweep_run
from govhub.core.testing import free_port

__all__ = ["smtp_server"]

ROOT = Path(__file__).resolve().parents[3]


def _env(db: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOVHUB_"))}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{db}",
        "GOVHUB_ACCESS_LOG": "/dev/null",
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("workers") / "template.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "govhub.cli", "migrate", "-v", "0"],
        env=_env(db),
        cwd=ROOT,
        check=True,
    )
    return db


def _children(pid: int) -> list[tuple[int, str]]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            found.append((int(child), cmdline))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads Linux's /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_serve_with_worker_runs_a_worker_and_the_sweep_that_stop_with_it(
    migrated: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    # given
    db = tmp_path / "db.sqlite3"
    shutil.copy(migrated, db)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govhub.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--with-worker",
        ],
        env=_env(db),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        children = _children(server.pid)
        helpers = {pid: cmd for pid, cmd in children if "govhub.cli serve" not in cmd}
        # then: a worker and the sweep run beside gunicorn
        assert sorted(cmd.split("govhub.cli ")[1].split()[0] for cmd in helpers.values()) == [
            "db_worker",
            "sweep",
        ]
        assert all(_alive(pid) for pid in helpers)
        # when
        server.send_signal(stop)
        server.wait(timeout=20)
        # then: neither outlives the server
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in helpers if _alive(pid)] == []
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.mark.django_db
def test_the_sweep_has_a_worker_send_the_retries_now_due(smtp_server: Any, settings: Any) -> None:
    # given: a delivery whose retry is due, and one whose worker died mid-send long ago
    anna = UserFactory(email="anna@example.org")
    notification = Notification.objects.create(
        recipient=anna, kind="core.notice", reference="GH-1", context={"title": "T", "text": "x"}
    )
    past = timezone.now() - timedelta(hours=1)
    Delivery.objects.create(
        notification=notification,
        channel="email",
        address="anna@example.org",
        next_attempt_at=past,
        attempts=1,
    )
    Delivery.objects.create(
        notification=notification,
        channel="email",
        address="anna@example.org",
        next_attempt_at=past,
        status="sending",
        claimed_by="dead",
        claimed_at=past,
    )
    # when
    done = sweep_run()
    # then: (the test's immediate backend runs the queued task at once)
    assert done["notifications"] == 2
    assert list(Delivery.objects.values_list("status", flat=True)) == ["sent", "sent"]
    assert smtp_server.inbox.count == 2


@pytest.mark.django_db
def test_govhub_sweep_runs_once_and_says_what_it_did(capsys: Any) -> None:
    # when
    call_command("sweep")
    # then
    assert "notifications=0" in capsys.readouterr().out
