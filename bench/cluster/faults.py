"""`python -m bench.cluster faults`: under steady writes and reads, kill -9 a web node, kill -9
a task worker mid-task (for good: its host is lost), restart PostgreSQL and kill Redis for a
while; then count what was acknowledged, stored, run, lost and refused.

PostgreSQL and Redis here are private servers (`initdb` and `pg_ctl` as the `postgres` user,
and `redis-server`, each on a spare port under the cluster's directory), never the shared ones.
The load: `--clients` threads that each create programmes through nginx (`POST
/api/v1/programmes`, one unique title per request, never retried), one thread reading a cached
anonymous page (`/organisations/`), plus probe tasks queued before the faults. Task leases are
short here (`GOVHUB_TASK_LEASE_SECONDS=10`, beats every 2 s) so the run stays short.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import shutil
import socket
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
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
LEASE = {"GOVHUB_TASK_LEASE_SECONDS": "10", "GOVHUB_TASK_HEARTBEAT_SECONDS": "2"}


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


class PrivateRedis:
    """A throw-away Redis server on a spare port, without persistence; killed and started
    again on the same port to play an outage."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(100):
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class ReadLoad:
    """One thread reading a cached anonymous page through the load balancer until `stop`."""

    url: str
    path: str = "/organisations/"
    stop: threading.Event = field(default_factory=threading.Event)
    results: list[dict[str, Any]] = field(default_factory=list)

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status = Visitor().get(self.url, self.path).status
            except OSError:
                status = 0
            self.results.append({"status": status, "at": started, "node": ""})
            time.sleep(0.05)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run)
        thread.start()
        return thread


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
    redis = PrivateRedis(workdir / "redis")
    redis.start()
    report: dict[str, Any] = {}
    try:
        extra_env = {"CACHE_URL": redis.url, **LEASE}
        with Cluster(
            web_nodes=2, task_workers=2, pg_server=postgres.url, extra_env=extra_env
        ) as cluster:
            report = _scenario(cluster, postgres, redis, args)
    finally:
        redis.kill()
        postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


def _scenario(
    cluster: Cluster, postgres: PrivatePostgres, redis: PrivateRedis, args: argparse.Namespace
) -> Any:
    token = cluster.govhub("token", "create", "--user", "business@demo.example").strip()
    found = Visitor().get(cluster.lb_url, "/api/v1/organisations?q=BrightPath").json()
    organisation = found["items"][0]["id"]
    probe_log = cluster.workdir / "probe.log"
    queued = set(cluster.probe("enqueue", str(args.tasks), str(probe_log), "0.1").split())
    load = WriteLoad(cluster.lb_url, token, organisation, args.clients)
    reads = ReadLoad(cluster.lb_url)
    threads = [*load.start(), reads.start()]
    events: dict[str, float] = {"start": time.monotonic()}
    time.sleep(5)
    events["node1 killed"] = time.monotonic()
    cluster.kill("node1")
    time.sleep(5)
    # Mid-task (the queue holds 300 tasks of 0.1 s), and for good: its host is lost, so the
    # task it held is taken back by the other worker once the lease (10 s here) has passed.
    events["worker0 killed"] = time.monotonic()
    cluster.kill("worker0")
    time.sleep(3)
    events["postgres restart"] = time.monotonic()
    postgres.restart()
    events["postgres back"] = time.monotonic()
    time.sleep(3)
    events["redis killed"] = time.monotonic()
    redis.kill()
    time.sleep(8)
    events["redis started"] = time.monotonic()
    redis.start()
    # What a supervisor does: start again a task worker that died (not worker 0, whose host
    # is gone). With the patient worker none should have.
    restarted = []
    for i in range(1, cluster.task_workers):
        if cluster.processes[f"worker{i}"].poll() is not None:
            cluster.start_worker(i)
            restarted.append(f"worker{i}")
    time.sleep(6)
    load.stop.set()
    reads.stop.set()
    for thread in threads:
        thread.join()
    events["end"] = time.monotonic()
    # after the faults: queue more tasks, let the surviving worker drain the queue and take
    # back the killed worker's task after the lease
    queued |= set(cluster.probe("enqueue", "20", str(probe_log), "0.01").split())
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        left = cluster.sql(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')",
            cluster.database,
        )[0][0]
        if not left:
            break
        time.sleep(1)
    events["queue drained"] = time.monotonic()
    report = _count(cluster, load, queued, probe_log, events)
    report["reads"] = {
        f"{a} -> {b}": _window(reads.results, ta, tb)
        for (a, ta), (b, tb) in itertools.pairwise(sorted(events.items(), key=lambda e: e[1]))
        if a != "queue drained"
    }
    report["tasks"]["taken_back"] = cluster.sql(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE jsonb_array_length(worker_ids) > 1",
        cluster.database,
    )[0][0]
    report["tasks"]["release_log"] = [
        line.split("govhub.workers", 1)[-1].strip()
        for line in (cluster.workdir / "worker1.log").read_text(errors="replace").splitlines()
        if "queued again" in line or "not tried again" in line or "lost the database" in line
    ]
    report["tasks"]["drained_s_after_worker0_killed"] = round(
        events["queue drained"] - events["worker0 killed"], 1
    )
    report["redis_warnings_on_node0"] = sum(
        "cannot be reached" in line
        for line in (cluster.workdir / "node0.log").read_text(errors="replace").splitlines()
    )
    report["workers_restarted"] = restarted
    return report


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
            "lost": sum(1 for t in queued if runs[t] == 0),
            "rows_by_status": tasks,
        },
        "postgres_restart_s": round(events["postgres back"] - events["postgres restart"], 2),
    }
