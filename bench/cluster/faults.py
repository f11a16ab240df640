"""`python -m bench.cluster faults`: under steady writes, kill -9 a web node, kill -9 a task
worker and restart PostgreSQL; then count what was acknowledged, stored, run and refused.

PostgreSQL here is a private server (`initdb` and `pg_ctl` as the `postgres` user, on a spare
port, under the cluster's directory), never the shared one. The load: `--clients` threads
that each create programmes through nginx (`POST /api/v1/programmes`, one unique title per
request, never retried), plus probe tasks queued before the faults.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.cluster.cluster import Cluster, free_port
from bench.cluster.visitor import Visitor

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=4, help="threads writing through nginx")
    parser.add_argument("--tasks", type=int, default=300, help="probe tasks queued first")
    parser.add_argument("--json", type=Path, default=Path("bench/cluster/faults.json"))


class PrivatePostgres:
    """A throw-away PostgreSQL server under `directory`, owned by the postgres user."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.data = directory / "pgdata"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _as_postgres(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*command, *args], check=True, capture_output=True)

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.directory, "postgres")
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        self._as_postgres(*initdb)
        self._ctl("start")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = str(self.directory / "postgres.log")
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            log,
            "-w",
            *extra,
        )

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if self.data.exists():
            self._ctl("stop", "-m", "immediate")


@dataclass
class WriteLoad:
    """Threads creating programmes through the load balancer until `stop` is set."""

    url: str
    token: str
    organisation: int
    clients: int
    stop: threading.Event = field(default_factory=threading.Event)
    results: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, client: int) -> None:
        number = 0
        while not self.stop.is_set():
            title = f"fault-{client}-{number}"
            number += 1
            body = json.dumps({"title": title, "organisation_id": self.organisation}).encode()
            started = time.monotonic()
            try:
                answer = Visitor().request(
                    self.url,
                    "POST",
                    "/api/v1/programmes",
                    body,
                    {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
                )
                status, node = answer.status, answer.headers.get("x-govhub-node", "")
            except OSError as error:
                status, node = 0, type(error).__name__
            with self.lock:
                self.results.append({"title": title, "status": status, "node": node, "at": started})

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.run, args=(i,)) for i in range(self.clients)]
        for thread in threads:
            thread.start()
        return threads


def _window(results: list[dict[str, Any]], start: float, end: float) -> dict[str, Any]:
    inside = [r for r in results if start <= r["at"] < end]
    return {
        "requests": len(inside),
        "statuses": dict(Counter(str(r["status"]) for r in inside)),
        "nodes": dict(Counter(r["node"] for r in inside)),
    }


def faults(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="govhub-faults-"))
    workdir.chmod(0o755)  # the postgres user reaches its directory inside
    postgres = PrivatePostgres(workdir / "postgres")
    postgres.start()
    report: dict[str, Any] = {}
    try:
        with Cluster(web_nodes=2, task_workers=2, pg_server=postgres.url) as cluster:
            report = _scenario(cluster, postgres, args)
    finally:
        postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


def _scenario(cluster: Cluster, postgres: PrivatePostgres, args: argparse.Namespace) -> Any:
    token = cluster.govhub("token", "create", "--user", "business@demo.example").strip()
    found = Visitor().get(cluster.lb_url, "/api/v1/organisations?q=BrightPath").json()
    organisation = found["items"][0]["id"]
    probe_log = cluster.workdir / "probe.log"
    queued = set(cluster.probe("enqueue", str(args.tasks), str(probe_log), "0.1").split())
    load = WriteLoad(cluster.lb_url, token, organisation, args.clients)
    threads = load.start()
    events: dict[str, float] = {"start": time.monotonic()}
    time.sleep(5)
    events["node1 killed"] = time.monotonic()
    cluster.kill("node1")
    time.sleep(5)
    events["worker0 killed"] = time.monotonic()
    cluster.kill("worker0")
    time.sleep(3)
    events["postgres restart"] = time.monotonic()
    postgres.restart()
    events["postgres back"] = time.monotonic()
    # What a supervisor (systemd, Compose's restart policy) does: start again every task
    # worker that is not running, the killed one included. Node 1 stays dead.
    restarted = []
    for i in range(cluster.task_workers):
        if cluster.processes[f"worker{i}"].poll() is not None:
            cluster.start_worker(i)
            restarted.append(f"worker{i}")
    events["workers restarted"] = time.monotonic()
    time.sleep(8)
    load.stop.set()
    for thread in threads:
        thread.join()
    events["end"] = time.monotonic()
    # after the faults: queue more tasks, let the surviving worker drain the queue
    queued |= set(cluster.probe("enqueue", "20", str(probe_log), "0.01").split())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        left = cluster.sql(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'",
            cluster.database,
        )[0][0]
        if not left:
            break
        time.sleep(1)
    return {**_count(cluster, load, queued, probe_log, events), "workers_restarted": restarted}


def _count(
    cluster: Cluster,
    load: WriteLoad,
    queued: set[str],
    probe_log: Path,
    events: dict[str, float],
) -> dict[str, Any]:
    stored = Counter(
        title
        for (title,) in cluster.sql(
            "SELECT title FROM programmes_programme WHERE title LIKE 'fault-%'", cluster.database
        )
    )
    acknowledged = [r["title"] for r in load.results if r["status"] == 201]
    unacknowledged = [r["title"] for r in load.results if r["status"] != 201]
    runs = Counter(line.split()[0] for line in probe_log.read_text().splitlines())
    tasks = dict(
        cluster.sql(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status",
            cluster.database,
        )
    )
    killed = events["node1 killed"]
    dead_node = f"127.0.0.1:{cluster.node_ports[1]}"
    after_kill = [r for r in load.results if r["at"] >= killed]
    to_dead = [r["at"] - killed for r in after_kill if r["node"] == dead_node]
    marks = sorted(events.items(), key=lambda item: item[1])
    return {
        "writes": {
            "sent": len(load.results),
            "acknowledged": len(acknowledged),
            "acknowledged_stored_once": sum(1 for t in acknowledged if stored[t] == 1),
            "acknowledged_missing": sum(1 for t in acknowledged if stored[t] == 0),
            "acknowledged_duplicated": sum(1 for t in acknowledged if stored[t] > 1),
            "unacknowledged": len(unacknowledged),
            "unacknowledged_stored": sum(1 for t in unacknowledged if stored[t] >= 1),
            "unacknowledged_duplicated": sum(1 for t in unacknowledged if stored[t] > 1),
        },
        "windows": {
            f"{a} -> {b}": _window(load.results, ta, tb)
            for (a, ta), (b, tb) in itertools.pairwise(marks)
        },
        "dead_node": {
            "answers_from_it_after_kill": len(to_dead),
            "last_answer_from_it_s_after_kill": round(max(to_dead), 3) if to_dead else None,
            "errors_after_kill_before_pg_restart": sum(
                1 for r in after_kill if r["status"] != 201 and r["at"] < events["postgres restart"]
            ),
        },
        "tasks": {
            "queued": len(queued),
            "ran_once": sum(1 for t in queued if runs[t] == 1),
            "ran_twice_or_more": sum(1 for t in queued if runs[t] > 1),
            "never_ran": sum(1 for t in queued if runs[t] == 0),
            "rows_by_status": tasks,
        },
        "postgres_restart_s": round(events["postgres back"] - events["postgres restart"], 2),
    }
