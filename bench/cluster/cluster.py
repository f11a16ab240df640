"""A GovHub cluster on loopback: web nodes, task workers, nginx, PostgreSQL, Redis.

`Cluster(...)` starts, as separate processes with one shared configuration:

- `web_nodes` times `govhub serve` (debug off, `server_workers` gunicorn workers each, optionally
  pinned to CPUs with `taskset`), each on its own port;
- `task_workers` times `govhub db_worker` (django-tasks' database queue), each with its own id;
- nginx (Debian's package) in front, balancing over the nodes, on `lb_url`.

They share what a real deployment shares: one PostgreSQL database (a fresh copy of a template
holding the migrations and the demo data, dropped at the end), one Redis database (page
cache, sessions' rate limits and used one-time codes), one MEDIA_ROOT (stored files; S3 in
production) and the same secrets. The shared PostgreSQL and Redis servers are used, never
restarted; the Redis database (7 by default) is emptied at start and stop.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("GOVHUB_CLUSTER_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("GOVHUB_CLUSTER_REDIS", "redis://127.0.0.1:6379/7")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")

NGINX_CONF = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    client_max_body_size 10m;
    upstream govhub {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://govhub;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # Replaced, not appended: a client cannot choose the address GovHub counts.
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A node that refuses or drops a connection: the request goes to the next one,
            # and the node is left out for fail_timeout.
            proxy_connect_timeout 1s;
            proxy_next_upstream error timeout http_502 http_503;
            add_header X-GovHub-Node $upstream_addr always;
        }}
    }}
}}
"""


def _run(args: list[str], env: dict[str, str], **kwargs: Any) -> str:
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False, **kwargs
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _sql(
    statement: str, database: str = "postgres", server: str = PG_SERVER
) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"{server}/{database}", autocommit=True) as connection:
        cursor = connection.execute(statement)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def _template_name() -> str:
    """The template database's name: changes with the migrations and the demo's code."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("govhub/*/migrations/*.py")) + sorted(
        ROOT.glob("govhub/demo/**/*.py")
    ):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return f"cluster_tpl_{digest.hexdigest()[:12]}"


def _static_root() -> Path:
    """Collected static files, kept between runs under a name that changes with the sources."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("govhub/*/static/**/*")):
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return ROOT / "var" / "cluster" / f"static-{digest.hexdigest()[:12]}"


STATIC_ROOT = _static_root()


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants, parents first (from Linux's /proc)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(FileNotFoundError):
            for child in (task / "children").read_text().split():
                pids += process_tree(int(child))
    return pids


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(
    url: str, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{url}: the process exited ({process.returncode})") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class Cluster:
    web_nodes: int = 2
    task_workers: int = 2
    server_workers: int = 1
    cpus: list[str] | None = None  # e.g. ["0", "1"]: node i runs under `taskset -c cpus[i]`
    database: str = field(default_factory=lambda: f"cluster_{os.getpid()}_{int(time.time())}")
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="govhub-cluster-")))
    extra_env: dict[str, str] = field(default_factory=dict)
    pg_server: str = PG_SERVER
    node_ports: list[int] = field(default_factory=list)
    lb_port: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def lb_url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    @property
    def node_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.node_ports]

    def env(self) -> dict[str, str]:
        """The environment every process of the cluster shares (as every machine would)."""
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "GOVHUB_", "SECURE_", "DATABASE_", "CACHE_"))
        }
        return {
            **clean,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "cluster-" + "s" * 50,
            "GOVHUB_AUDIT_KEY": "cluster-" + "a" * 43,
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"{self.pg_server}/{self.database}",
            "CACHE_URL": REDIS_URL,
            "GOVHUB_TRUSTED_PROXIES": "127.0.0.1",
            "STATIC_ROOT": str(STATIC_ROOT),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "GOVHUB_ACCESS_LOG": "/dev/null",
            "GOVHUB_PUBLIC_URL": self.lb_url,
            "GOVHUB_DEMO": "1",
            **self.extra_env,
        }

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        """Run one statement on the cluster's PostgreSQL server (its own database: `database`)."""
        return _sql(statement, database, self.pg_server)

    def govhub(self, *args: str) -> str:
        """Run a `govhub` command against the cluster's database and stores."""
        return _run([sys.executable, "-m", "govhub.cli", *args], self.env())

    def probe(self, *args: str) -> str:
        return _run([sys.executable, "-m", "bench.cluster.probe", *args], self.env())

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.workdir.chmod(0o755)  # nginx's workers (nobody, when started as root) reach it
        self.node_ports = [free_port() for _ in range(self.web_nodes)]
        self.lb_port = free_port()
        self._prepare_stores()
        for i, port in enumerate(self.node_ports):
            self.start_node(i, port)
        for i in range(self.task_workers):
            self.start_worker(i)
        self._start_nginx()
        for i, url in enumerate(self.node_urls):
            wait_http(f"{url}/healthz", process=self.processes[f"node{i}"])
        wait_http(f"{self.lb_url}/healthz", process=self.processes["nginx"])

    def _prepare_stores(self) -> None:
        template = _template_name()
        if not self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{template}'"):  # noqa: S608
            building = f"{template}_building"
            self.sql(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            self.sql(f'CREATE DATABASE "{building}"')
            env = {**self.env(), "DATABASE_URL": f"{self.pg_server}/{building}"}
            _run([sys.executable, "-m", "govhub.cli", "migrate", "-v", "0"], env)
            _run([sys.executable, "-m", "govhub.cli", "demo"], env)
            self.sql(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            stale = "SELECT datname FROM pg_database WHERE datname LIKE 'cluster_tpl_%'"
            for (name,) in self.sql(stale):
                if name not in (template, building):  # templates of older migrations
                    self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.sql(f'CREATE DATABASE "{self.database}" TEMPLATE "{template}"')
        self.flush_redis()
        if not (STATIC_ROOT / "staticfiles.json").exists():
            self.govhub("collectstatic", "--no-input", "-v", "0")
        (self.workdir / "media").mkdir(parents=True, exist_ok=True)

    def flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115  (closed with the process)
        self.processes[name] = subprocess.Popen(
            args, env=self.env(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def start_node(self, i: int, port: int) -> None:
        pin = ["taskset", "-c", self.cpus[i % len(self.cpus)]] if self.cpus else []
        serve = ["serve", "--port", str(port), "--workers", str(self.server_workers)]
        serve.append("--no-collectstatic")  # collected once by _prepare_stores
        self._spawn(f"node{i}", [*pin, sys.executable, "-m", "govhub.cli", *serve])

    def start_worker(self, i: int) -> None:
        command = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
        self._spawn(
            f"worker{i}",
            [sys.executable, "-m", "govhub.cli", *command, "--worker-id", f"cluster-{i}"],
        )

    def _start_nginx(self) -> None:
        self.start_balancer("nginx", self.node_ports, self.lb_port)

    def start_balancer(self, name: str, ports: list[int], port: int) -> None:
        """An nginx process `name` on `port`, balancing over the nodes on `ports`."""
        if not NGINX:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
        servers = "\n".join(
            f"        server 127.0.0.1:{node} max_fails=1 fail_timeout=5s;" for node in ports
        )
        directory = self.workdir / name
        directory.mkdir(exist_ok=True)
        conf = directory / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=directory, servers=servers, port=port))
        error_log = str(directory / "nginx-error.log")
        self._spawn(
            name,
            [NGINX, "-p", str(directory), "-c", str(conf), "-e", error_log, "-g", "daemon off;"],
        )

    def kill(self, name: str) -> None:
        """kill -9 one process of the cluster and its children (a node's gunicorn workers)."""
        process = self.processes[name]
        for pid in reversed(process_tree(process.pid)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                continue
            if name.startswith("node"):
                # Nothing to save, and gunicorn's own shutdown (even SIGINT's quick one) took
                # 17 s here: the node and its workers are killed.
                self.kill(name)
            else:
                process.terminate()  # workers finish their task; nginx stops at once
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        if self.database:
            self.sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        with contextlib.suppress(Exception):  # best effort: the server may be gone
            self.flush_redis()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def logs(self) -> str:
        """The tail of every process's output, for a failing test's message."""
        parts = []
        for path in sorted(self.workdir.glob("*.log")):
            parts.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)
