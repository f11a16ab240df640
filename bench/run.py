"""GovHub benchmark harness: `make bench` (or `.venv/bin/python bench/run.py --help`).

Prepares a separate bench database (1,000 organisations), starts the production server
(`govhub serve`, debug off) on a free loopback port, runs `wrk` against each scenario and
prints a table; the same numbers go to bench/results.json. See bench/README.md.

To add a scenario, append a `Scenario` to `SCENARIOS`; `setup` (optional) runs before the
server starts and returns extra request headers, `check` (optional) validates the body of a
single preflight request so that the benchmark never measures the wrong page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import scale  # bench/scale.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
VAR_BENCH = ROOT / "var" / "bench"
RESULTS_FILE = BENCH_DIR / "results.json"
SQLITE_FILE = VAR_BENCH / "govhub-bench.sqlite3"
SERVER_LOG = VAR_BENCH / "server.log"

EXTRA_ORGANISATIONS = 974  # + 26 demo organisations = 1,000
# Generated published services beside the demo's 15: a catalogue of 5,000 (issue 11's target).
EXTRA_SERVICES = 4985
DEMO_ORGANISATIONS = 26
# Step-1 programmes for the advance scenarios: this many per second of wrk run (warm-ups
# included) of each advance scenario and wrk thread, a generous bound on the rate (about 350
# a second at best here); every run takes fresh ids.
ADVANCES_PER_SECOND = 500
SEARCH_TERM = "water"
# The scenarios whose latency must stay flat from 1,000 to 1,000,000 records (issue 10).
SCALE_SCENARIOS = (
    "directory",
    "programme_list",
    "programme_list_api",
    "search",
    "programme_page",
    "organisation_page",
)
SCALE_TARGET = 1.5  # latency at the large size / at the small one
TOKEN_USER = "business@demo.example"  # noqa: S105 (an email address, not a secret)


class BenchError(Exception):
    """A failure that makes the benchmark meaningless; printed, exit status 1."""


# --------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------


@dataclass
class Context:
    """What a scenario's setup may use: the child environment and a way to run `govhub`."""

    env: dict[str, str]
    govhub: Callable[..., str]
    cache: dict[str, Any] = field(default_factory=dict)
    ids: Path = VAR_BENCH / "bench-ids.json"  # where the demo's ids are kept between runs


@dataclass
class Scenario:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    connections: int | None = None  # None: the --connections option
    setup: Callable[[Context], dict[str, str]] | None = None  # returns extra headers
    check: Callable[[bytes], str | None] | None = None  # returns a problem, or None
    target_p99_ms: float | None = None
    target_ratio: float | None = None  # req/s as a fraction of the baseline's
    description: str = ""
    # A wrk Lua script (for POSTs): gets the context, the id slice start, returns the source.
    lua: Callable[[Context, int], str] | None = None
    # What the preflight and post-run checks GET, when `path` is not a GET (default: path).
    check_path: str | None = None


def token_of(user: str) -> Callable[[Context], dict[str, str]]:
    """A setup that creates (once per run) a personal API token for a demo user."""

    def setup(ctx: Context) -> dict[str, str]:
        key = f"token:{user}"
        if key not in ctx.cache:
            out = ctx.govhub("token", "create", "--user", user, "--name", "bench")
            token = out.strip().splitlines()[-1].strip() if out.strip() else ""
            if not token.startswith("ghb_"):
                raise BenchError(f"`govhub token create` printed no token: {out!r}")
            ctx.cache[key] = token
        return {"Authorization": f"Bearer {ctx.cache[key]}"}

    return setup


api_token = token_of(TOKEN_USER)


def advance_script(ctx: Context, start: int) -> str:
    """Each request advances another step-1 programme (1 -> 2), so every one is a real gate
    decision; threads take interleaved ids from `start` (warm-up and run use disjoint ids)."""
    ids = ctx.cache["bench"]["ready"][start:]
    return (
        "local ids = {" + ",".join(map(str, ids)) + "}\n"
        "local count = 0\n"
        "function setup(thread) thread:set('offset', count); count = count + 1 end\n"
        "function init(args) n = 0; threads = tonumber(args[1]) end\n"
        "function request()\n"
        "  local id = ids[offset + 1 + n * threads] or ids[#ids]\n"
        "  n = n + 1\n"
        "  return wrk.format('POST', '/api/v1/programmes/' .. id .. '/advance', nil,\n"
        "    '{\"expected_step\": 1}')\n"
        "end\n"
    )


def advance_keyed_script(ctx: Context, start: int) -> str:
    """As `advance_script`, each request with an Idempotency-Key of its own (ADR 0024)."""
    return advance_script(ctx, start).replace(
        "  n = n + 1\n",
        "  n = n + 1\n  wrk.headers['Idempotency-Key'] = 'bench-' .. id\n",
    )


def fresh_ids(ctx: Context, seconds: int) -> int:
    """Where the next advance run starts in the step-1 programmes; refuses when fewer are
    left than it may take (a run that reused an id would measure 409s)."""
    bench = ctx.cache["bench"]
    start = int(bench.get("used", 0))
    if len(bench["ready"]) - start < ADVANCES_PER_SECOND * seconds:
        raise BenchError(
            f"only {len(bench['ready']) - start} fresh programmes left to advance: run "
            "without --reuse-db (a fresh database has enough for the runs asked for)"
        )
    return start


def bench_ids(ctx: Context) -> dict[str, Any]:
    return dict(ctx.cache.get("bench", {}))


def expect_text(*needles: str) -> Callable[[bytes], str | None]:
    def check(body: bytes) -> str | None:
        text = body.decode("utf-8", "replace")
        missing = [n for n in needles if n not in text]
        return f"body lacks {missing!r}" if missing else None

    return check


EXPECTED = {"organisations": 1000}  # how many the directory must find (set by the data size)


def expect_organisations() -> Callable[[bytes], str | None]:
    def check(body: bytes) -> str | None:
        minimum = EXPECTED["organisations"]
        text = body.decode("utf-8", "replace")
        match = re.search(r"(More than )?([\d,]+) organisations found", text)
        if not match:
            return "no 'N organisations found' line: not the directory page?"
        count = int(match.group(2).replace(",", ""))
        if match.group(1):  # past the exact count's limit: a lower bound (core.paging)
            return None
        return None if count >= minimum else f"only {count} organisations (want {minimum}+)"

    return check


def expect_json() -> Callable[[bytes], str | None]:
    def check(body: bytes) -> str | None:
        try:
            json.loads(body)
        except ValueError:
            return "response is not JSON"
        return None

    return check


def expect_json_key(key: str) -> Callable[[bytes], str | None]:
    def check(body: bytes) -> str | None:
        try:
            data = json.loads(body)
        except ValueError:
            return "response is not JSON"
        return None if isinstance(data, dict) and key in data else f"JSON lacks {key!r}"

    return check


def expect_json_rows(minimum: int, *needles: str) -> Callable[[bytes], str | None]:
    """A JSON list of at least `minimum` objects, and the body holds every needle."""

    def check(body: bytes) -> str | None:
        try:
            data = json.loads(body)
        except ValueError:
            return "response is not JSON"
        if not isinstance(data, list) or len(data) < minimum:
            return f"not a JSON list of at least {minimum} rows"
        text = body.decode("utf-8", "replace")
        missing = [n for n in needles if n not in text]
        return f"body lacks {missing!r}" if missing else None

    return check


SCENARIOS: list[Scenario] = [
    Scenario(
        "baseline",
        "/bench/baseline",
        check=expect_text("ok"),
        description="smallest Django view behind the full middleware stack",
    ),
    Scenario(
        "home",
        "/",
        check=expect_text("GovHub"),
        target_p99_ms=50,
        target_ratio=0.30,
        description="home page, anonymous",
    ),
    Scenario(
        "directory",
        "/organisations/",
        check=expect_organisations(),
        target_p99_ms=100,
        description="organisations directory, first page of 1,000",
    ),
    Scenario(
        "search",
        "/organisations/?q=" + SEARCH_TERM,
        check=expect_text("found"),
        target_p99_ms=100,
        description=f"organisations directory searched for {SEARCH_TERM!r}, first page",
    ),
    Scenario(
        "programme_list",
        "/programmes/",
        check=expect_text("found"),
        target_p99_ms=100,
        description="programme list page, first page, anonymous",
    ),
    Scenario(
        "programme_list_api",
        "/api/v1/programmes",
        check=expect_json(),
        target_p99_ms=100,
        description="REST: programme list, first page, anonymous",
    ),
    Scenario(
        "organisation_page",
        "/organisations/{organisation}/",
        connections=16,
        check=expect_text("Capital City Administration"),
        target_p99_ms=100,
        description="an organisation's page (the demo's capital: the same at every size)",
    ),
    Scenario(
        "map_page",
        "/indices/",
        check=expect_text("Denmark"),
        target_ratio=0.50,
        description="the world map of the EGDI (138 KB of HTML), anonymous and cached",
    ),
    Scenario(
        "api_me",
        "/api/v1/me",
        setup=api_token,
        check=expect_json_key("email"),
        description="REST API, token authentication",
    ),
    Scenario(
        "programme_page",
        "/programmes/{big}/",
        connections=16,
        check=expect_text("Benchmark: programme with 200 contributions"),
        target_p99_ms=150,
        description="a programme page with 200 contributions and 50 tasks, anonymous",
    ),
    Scenario(
        "step_page",
        "/programmes/{step200}/steps/3/",
        connections=16,
        check=expect_text("Objective 199", "Indicator 199.2"),
        target_p99_ms=150,
        description="a step page with 200 objectives of 2 indicators each, anonymous",
    ),
    Scenario(
        "advance",
        "/api/v1/programmes/{first_ready}/advance",
        check_path="/api/v1/programmes/{first_ready}",
        setup=token_of("local_body@demo.example"),
        lua=advance_script,
        connections=16,
        check=expect_json_key("current_step"),
        target_p99_ms=100,
        description="POST advance: a gate decision (1 -> 2) on a new programme each time",
    ),
    Scenario(
        "advance_key",
        "/api/v1/programmes/{first_ready}/advance",
        check_path="/api/v1/programmes/{first_ready}",
        setup=token_of("local_body@demo.example"),
        lua=advance_keyed_script,
        connections=16,
        check=expect_json_key("current_step"),
        target_p99_ms=100,
        description="the same gate decisions, each with an Idempotency-Key (ADR 0024)",
    ),
    Scenario(
        "advance_4",
        "/api/v1/programmes/{first_ready}/advance",
        check_path="/api/v1/programmes/{first_ready}",
        setup=token_of("local_body@demo.example"),
        lua=advance_script,
        connections=4,
        check=expect_json_key("current_step"),
        target_p99_ms=100,
        description="the same gate decisions, 4 at a time (officials deciding at once)",
    ),
    Scenario(
        "indices_ranking",
        "/api/v1/indices/2024",
        connections=16,
        check=expect_json_rows(193, '"iso3": "DNK"', '"rank": 193'),
        target_p99_ms=50,
        description="REST: the 2024 EGDI ranking of all 193 Member States (JSON)",
    ),
    Scenario(
        "indices_aggregates",
        "/api/v1/indices/2024/aggregates?by=subregion",
        connections=16,
        check=expect_json_rows(17, '"group": "Northern Europe"', '"denominator": "all"'),
        target_p99_ms=50,
        description="REST: 2024 EGDI mean, median, min and max per sub-region",
    ),
    Scenario(
        "indices_compare",
        "/api/v1/indices/compare?from=2012&to=2024&by=region",
        connections=16,
        check=expect_json_rows(5, '"group": "Africa"', '"change_pct"'),
        target_p99_ms=50,
        description="REST: change of each region's mean EGDI, 2012 to 2024",
    ),
    Scenario(
        "services_search",
        "/services/?q=licence&audience=businesses",
        check=expect_text("services found"),
        target_p99_ms=100,
        description="service catalogue search and filter, 5,000 services (issue 11)",
    ),
]

INDICES_IMPORT_TARGET_S = 10.0  # the "full import under 10 s"


# --------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if not match:
        raise ValueError(f"unrecognised wrk time {value!r}")
    return float(match.group(1)) * _TIME_UNITS_MS[match.group(2)]


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    rps: float
    latency_ms: dict[str, float]  # percentile ("50", "75", "90", "99") -> ms
    socket_errors: dict[str, int]
    non2xx: int


def parse_wrk(output: str) -> WrkResult:
    """Parse `wrk --latency` text output."""
    latency = {
        pct: to_ms(val)
        for pct, val in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE)
    }
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", output, re.MULTILINE)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not (latency.keys() >= {"50", "99"} and total and rps):
        raise BenchError(f"could not parse wrk output:\n{output}")
    errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sock:
        errors = dict(zip(errors, map(int, sock.groups()), strict=True))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(total.group(1)),
        duration_s=to_ms(total.group(2) + total.group(3)) / 1000,
        rps=float(rps.group(1)),
        latency_ms=latency,
        socket_errors=errors,
        non2xx=int(non2xx.group(1)) if non2xx else 0,
    )


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: `wrk` (the HTTP load generator) is not installed.", file=sys.stderr)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        print("bench: running as root, installing it: apt-get install -y wrk", file=sys.stderr)
        cmd = ["apt-get", "install", "-y", "wrk"]
        if subprocess.run(cmd, check=False).returncode != 0:
            subprocess.run(["apt-get", "update"], check=False)
            subprocess.run(cmd, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    print(
        "bench: install it and run again, e.g. `sudo apt-get install -y wrk` (Debian/Ubuntu)\n"
        "       or `brew install wrk` (macOS); see https://github.com/wg/wrk",
        file=sys.stderr,
    )
    raise SystemExit(2)


def run_wrk(
    wrk: str,
    url: str,
    *,
    headers: dict[str, str],
    connections: int,
    threads: int,
    seconds: int,
    script: Path | None = None,
) -> str:
    cmd = [wrk, "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if script is not None:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if script is not None:
        cmd += ["--", str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# --------------------------------------------------------------------------------------
# Bench database, environment and server
# --------------------------------------------------------------------------------------


def govhub_command() -> list[str]:
    cli = Path(sys.executable).parent / "govhub"
    return [str(cli)] if cli.exists() else [sys.executable, "-m", "govhub.cli"]


def child_environment(
    *, reuse_db: bool = False, records: int | None = None
) -> tuple[dict[str, str], str, bool]:
    """The environment of every child process, a description of the database, and whether
    the data must be loaded. With `records`, each size has its own database: a SQLite file
    of its own, or DATABASE_URL with `{records}` replaced by the size."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "GOVHUB_AUDIT_KEY": secrets.token_urlsafe(32),
            "SECURE_SSL_REDIRECT": "0",
            "GOVHUB_BENCH_BASELINE": "1",
            "GOVHUB_DEMO": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "GOVHUB_ACCESS_LOG": "/dev/null",
            "STATIC_ROOT": str(VAR_BENCH / "static"),
            "MEDIA_ROOT": str(VAR_BENCH / "media"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the CLI picks config.settings
    # This checkout's code, even when the virtualenv's editable install points elsewhere
    # (e.g. benchmarking a `git worktree` of another commit with the same .venv).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    if url and records is not None and "{records}" in url:
        # One database per size, made empty beforehand (createdb); with --reuse-db one that
        # an earlier run loaded (its ids kept) is used as it is.
        env["DATABASE_URL"] = url.replace("{records}", str(records))
        reused = reuse_db and ids_file(records).exists()
        return env, f"{env['DATABASE_URL']} ({'reused' if reused else 'loaded now'})", not reused
    if url:
        print(
            "bench: WARNING: DATABASE_URL is set; using that database as it is. Nothing is "
            "dropped; migrations, demo data and an API token are added to it.",
            file=sys.stderr,
        )
        return env, "DATABASE_URL (from the environment)", True
    sqlite = sqlite_file(records)
    env["DATABASE_URL"] = f"sqlite:///{sqlite}"
    if reuse_db and sqlite.exists():
        return env, f"sqlite (reused: {sqlite.relative_to(ROOT)})", False
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    return env, f"sqlite (fresh: {sqlite.relative_to(ROOT)})", True


def sqlite_file(records: int | None) -> Path:
    return SQLITE_FILE if records is None else VAR_BENCH / f"govhub-bench-{records}.sqlite3"


def ids_file(records: int | None) -> Path:
    """The ids the demo printed (and how many of the programmes to advance are used)."""
    return VAR_BENCH / ("bench-ids.json" if records is None else f"bench-ids-{records}.json")


def make_govhub_runner(env: dict[str, str]) -> Callable[..., str]:
    base = govhub_command()

    def run(*args: str) -> str:
        proc = subprocess.run(
            [*base, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise BenchError(
                f"`govhub {' '.join(args)}` failed ({proc.returncode}):\n"
                f"{proc.stdout}\n{proc.stderr}"
            )
        return proc.stdout

    return run


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(
    url: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, bytes]:
    """One GET that does not follow redirects: (status, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def server(
    env: dict[str, str], port: int, workers: int | None, threads: int | None
) -> Iterator[tuple[str, int]]:
    """Run `govhub serve` on 127.0.0.1:port until the block ends (also on errors/Ctrl-C)."""
    cmd = [*govhub_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    if threads:
        cmd += ["--threads", str(threads)]
    base = f"http://127.0.0.1:{port}"
    with SERVER_LOG.open("w") as log:
        # Own session: Ctrl-C in the terminal reaches us, and we stop the server ourselves.
        proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 180  # collectstatic first; the machine may be busy
        while True:
            if proc.poll() is not None:
                raise BenchError(f"server exited ({proc.returncode}):\n{tail(SERVER_LOG)}")
            try:
                if http_get(f"{base}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchError(f"server did not answer /healthz:\n{tail(SERVER_LOG)}")
            time.sleep(0.25)
        yield base, proc.pid
    finally:
        stop_server(proc)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of master and workers
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
    # The server has its own process group (pgid == its pid): remove any straggler worker.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def server_children(pid: int) -> list[int]:
    """Gunicorn's workers: the children of the master (Linux /proc; [] elsewhere)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError, ValueError):
            children += [int(c) for c in (task / "children").read_text().split()]
    return children


_TICK_S = 1 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (Linux /proc; 0 when unknown)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) * _TICK_S  # utime, stime


def machine_busy_s() -> float:
    """CPU seconds all processors spent busy since boot (Linux /proc/stat; 0 when unknown)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    guest = sum(values[8:10])  # already counted in user and nice
    return (sum(values) - idle - guest) * _TICK_S


@dataclass
class CpuSample:
    """CPU used during a run: by the server, by wrk, and by everything else (noise)."""

    wall: float
    server: float  # gunicorn master and workers
    busy: float  # the whole machine
    ours: float  # this harness and its finished children (wrk)

    @classmethod
    def take(cls, server_pid: int) -> CpuSample:
        pids = [server_pid, *server_children(server_pid)]
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for children: wrk
        own = resource.getrusage(resource.RUSAGE_SELF)
        return cls(
            wall=time.monotonic(),
            server=sum(process_cpu_s(p) for p in pids),
            busy=machine_busy_s(),
            ours=usage.ru_utime + usage.ru_stime + own.ru_utime + own.ru_stime,
        )

    def since(self, before: CpuSample) -> dict[str, float]:
        wall = self.wall - before.wall
        server = self.server - before.server
        load = self.ours - before.ours
        other = max(0.0, (self.busy - before.busy) - server - load)
        return {
            "wall_s": round(wall, 3),
            "server_cpu_s": round(server, 3),
            "wrk_cpu_s": round(load, 3),
            "other_cpu_s": round(other, 3),
            # /proc/stat counts in clock ticks: clamp the rounding of very short runs.
            "other_cores": round(min(other / wall, os.cpu_count() or 1), 2) if wall else 0.0,
        }


# --------------------------------------------------------------------------------------
# Run, report
# --------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str:
    def git(*args: str) -> str:
        try:
            proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        except OSError:
            return ""
        return proc.stdout.strip() if proc.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def target_problems(scenario: Scenario, row: dict[str, Any]) -> list[str]:
    problems = []
    timeouts = row["socket_errors"]["timeout"]
    if timeouts and (scenario.target_p99_ms is not None or scenario.target_ratio is not None):
        # wrk leaves timed-out requests out of its latency distribution.
        problems.append(f"{timeouts} requests timed out (> 2 s)")
    if scenario.target_p99_ms is not None and row["p99_ms"] > scenario.target_p99_ms:
        problems.append(f"p99 {row['p99_ms']:.1f} ms > {scenario.target_p99_ms:g} ms")
    ratio = row.get("ratio_to_baseline")
    if scenario.target_ratio is not None and ratio is not None and ratio < scenario.target_ratio:
        problems.append(f"ratio {ratio:.2f} < {scenario.target_ratio:.2f}")
    return problems


TABLE_COLUMNS = (
    # heading, how to show a row, left-aligned
    ("scenario", lambda r: r["scenario"], True),
    ("conns", lambda r: str(r["connections"]), False),
    ("req/s", lambda r: f"{r['rps']:.1f}", False),
    ("p50 ms", lambda r: f"{r['p50_ms']:.2f}", False),
    ("p99 ms", lambda r: f"{r['p99_ms']:.2f}", False),
    (
        "vs baseline",
        lambda r: "n/a" if r["ratio_to_baseline"] is None else f"{r['ratio_to_baseline']:.2f}",
        False,
    ),
    ("errors", lambda r: str(r["non2xx"] + sum(r["socket_errors"].values())), False),
    (
        "srv cpu ms/req",
        lambda r: (
            "n/a"
            if r["server_cpu_ms_per_request"] is None
            else f"{r['server_cpu_ms_per_request']:.2f}"
        ),
        False,
    ),
    ("noise", lambda r: f"{r['cpu']['other_cores']:.2f}", False),
    (
        "targets",
        lambda r: (
            "FAILED (error responses)"
            if r["failed"]
            else "MISSED: " + "; ".join(r["target_problems"])
            if r["target_problems"]
            else ("met" if r["targets"] else "-")
        ),
        True,
    ),
)


def format_table(rows: list[dict[str, Any]]) -> str:
    cells = [[c[0] for c in TABLE_COLUMNS]] + [[c[1](r) for c in TABLE_COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(TABLE_COLUMNS))]
    out = []
    for n, line in enumerate(cells):
        out.append(
            "  ".join(
                text.ljust(width) if column[2] else text.rjust(width)
                for text, width, column in zip(line, widths, TABLE_COLUMNS, strict=True)
            ).rstrip()
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    names = [s.name for s in SCENARIOS]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds (2; 0: none)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measured runs per scenario; the fastest is reported, all are in the JSON (1)",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: serve's)")
    parser.add_argument(
        "--server-threads", type=int, help="view threads per worker (serve's --threads)"
    )
    parser.add_argument("--only", help=f"comma-separated scenarios: {','.join(names)}")
    parser.add_argument(
        "--accept-encoding",
        default="",
        help="send this Accept-Encoding with the load, e.g. 'gzip, br' (default: none)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="results JSON")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="keep the SQLite bench database of the previous run (faster; default: fresh)",
    )
    parser.add_argument(
        "--check-targets", action="store_true", help="exit 3 when a target is missed"
    )
    parser.add_argument(
        "--records",
        type=int,
        help="load N organisations and N programmes with `govhub bench load` (beside the "
        "demo's people and programmes) instead of the demo's 1,000 organisations",
    )
    parser.add_argument(
        "--scale",
        help="comma-separated sizes, e.g. 1000,1000000: run the scale scenarios "
        f"({','.join(SCALE_SCENARIOS)}; or --only) on a database of each size and print "
        f"how latency grows (target: at most {SCALE_TARGET:g}x the smallest size's)",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(n) for n in args.scale.split(",")}) if args.scale else []
    except ValueError:
        parser.error("--scale takes sizes such as 1000,100000")
    if args.scale and (len(args.sizes) < 2 or args.sizes[0] < 1 or args.records):
        parser.error("--scale needs two or more sizes of at least 1 (and no --records)")
    if args.records is not None and args.records < 1:
        parser.error("--records must be at least 1")
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"unknown scenario(s) {unknown}; known: {names}")
        args.scenarios = [s for s in SCENARIOS if s.name in wanted]
    elif args.scale:
        args.scenarios = [s for s in SCENARIOS if s.name in SCALE_SCENARIOS]
    else:
        args.scenarios = list(SCENARIOS)
    if args.duration < 1 or args.warmup < 0 or args.repeat < 1:
        parser.error("--duration and --repeat must be at least 1, --warmup at least 0")
    if args.threads > args.connections:
        parser.error("--threads must not exceed --connections")
    return args


def run_scenario(
    ctx: Context,
    wrk: str,
    base: str,
    server_pid: int,
    scenario: Scenario,
    headers: dict[str, str],
    args: argparse.Namespace,
) -> tuple[dict[str, Any], list[str]]:
    """Preflight (status and body checked), warm-up, measured run: (row, failures)."""
    path = scenario.path.format(**bench_ids(ctx))
    check_path = (scenario.check_path or scenario.path).format(**bench_ids(ctx))
    url, check_url = base + path, base + check_path
    conns = scenario.connections or args.connections
    status, body = http_get(check_url, headers)
    if not 200 <= status < 300:
        raise BenchError(f"{scenario.name}: GET {check_path} answered {status}")
    problem = scenario.check(body) if scenario.check else None
    if problem:
        raise BenchError(f"{scenario.name}: GET {check_path}: {problem}")

    def script(start: int) -> Path | None:
        if scenario.lua is None:
            return None
        target = VAR_BENCH / f"{scenario.name}-{start}.lua"
        target.write_text(scenario.lua(ctx, start))
        return target

    print(
        f"bench: {scenario.name}: {conns} connections, warm-up {args.warmup:g}s, "
        f"run {args.duration:g}s"
    )
    if args.accept_encoding:  # the load only: the preflight checks read plain bodies
        headers = {**headers, "Accept-Encoding": args.accept_encoding}
    load: dict[str, Any] = {"headers": headers, "connections": conns, "threads": args.threads}

    def measured(seconds: int) -> WrkResult:
        # POST scenarios consume ids: each wrk run starts after every id an earlier run (of
        # any scenario, warm-ups included) may have taken: the requests wrk completed, and
        # one in flight per connection when it stopped.
        start = fresh_ids(ctx, seconds * args.threads) if scenario.lua is not None else 0
        result = parse_wrk(run_wrk(wrk, url, seconds=seconds, script=script(start), **load))
        if scenario.lua is not None:
            # Threads take interleaved ids (thread i: i, i + threads, ...), and one may have
            # sent more than the others: the highest id taken is at most this far on.
            taken = args.threads * (result.requests + conns + 1)
            ctx.cache["bench"]["used"] = start + taken
            ctx.ids.write_text(json.dumps(ctx.cache["bench"]))
        return result

    if args.warmup > 0:
        measured(args.warmup)
    runs = []
    for _ in range(args.repeat):
        before = CpuSample.take(server_pid)
        output = measured(args.duration)
        runs.append((output, CpuSample.take(server_pid).since(before)))
    # Report the fastest run: disturbance (other processes, other virtual machines on the
    # host) only ever slows a run down, so the best of N is the least disturbed (as timeit).
    result, cpu = max(runs, key=lambda run: run[0].rps)
    failures = []
    non2xx = sum(run.non2xx for run, _ in runs)
    if non2xx:
        total = sum(run.requests for run, _ in runs)
        failures.append(
            f"{scenario.name}: {non2xx} of {total} responses were errors "
            f"(4xx/5xx); a benchmark of error pages is worthless: see {SERVER_LOG}"
        )
    # wrk counts only statuses >= 400: check once more that it is still a 2xx after the load.
    status, _ = http_get(check_url, headers)
    if not 200 <= status < 300:
        failures.append(f"{scenario.name}: GET {check_path} answered {status} after the run")
    for failure in failures:
        print(f"bench: FAILED {failure}", file=sys.stderr)
    if any(result.socket_errors.values()):
        warning = f"{scenario.name}: socket errors {result.socket_errors}"
        print(f"bench: WARNING {warning}", file=sys.stderr)
    row = {
        "scenario": scenario.name,
        "path": path,
        "connections": conns,
        "wrk_threads": args.threads,
        "requests": result.requests,
        "duration_s": result.duration_s,
        "rps": result.rps,
        "p50_ms": result.latency_ms["50"],
        "p75_ms": result.latency_ms.get("75"),
        "p90_ms": result.latency_ms.get("90"),
        "p99_ms": result.latency_ms["99"],
        "non2xx": non2xx,
        "socket_errors": result.socket_errors,
        "body_bytes": len(body),
        "server_cpu_ms_per_request": (
            round(cpu["server_cpu_s"] * 1000 / result.requests, 3) if result.requests else None
        ),
        "cpu": cpu,
        "runs": [
            {"rps": r.rps, "p99_ms": r.latency_ms["99"], "other_cores": c["other_cores"]}
            for r, c in runs
        ],
        "failed": bool(failures),
    }
    if cpu["other_cores"] > 0.2:
        print(
            f"bench: WARNING {scenario.name}: other processes used {cpu['other_cores']:.2f} of "
            f"{os.cpu_count()} cores during the run; the numbers are noisy",
            file=sys.stderr,
        )
    return row, failures


def _interrupt(signum: int, frame: object) -> None:
    """A `kill` of the harness behaves like Ctrl-C, so the server is stopped either way."""
    raise KeyboardInterrupt


def bench_programmes_needed(args: argparse.Namespace) -> int:
    """Step-1 programmes enough for every advance run asked for (warm-ups included)."""
    advancing = sum(1 for s in args.scenarios if s.lua is not None)
    seconds = args.warmup + args.repeat * args.duration
    per_second = ADVANCES_PER_SECOND * args.threads  # see `measured` in run_scenario
    return max(1, advancing * seconds * per_second)  # 1: the large ones come too


def prepare(args: argparse.Namespace, records: int | None) -> tuple[Context, str, dict[str, Any]]:
    """A database with the data (the demo; with `records`, the demo's people and programmes
    and `govhub bench load` of that many organisations and programmes), the ids, tokens."""
    env, database, fresh = child_environment(reuse_db=args.reuse_db, records=records)
    govhub = make_govhub_runner(env)
    print(f"bench: database: {database}")
    started = time.monotonic()
    govhub("migrate", "--no-input", "-v", "0")
    ctx = Context(env=env, govhub=govhub, ids=ids_file(records))
    if fresh:
        extra = ["--extra-organisations", str(EXTRA_ORGANISATIONS)] if records is None else []
        out = govhub("demo", *extra, "--bench-programmes", str(bench_programmes_needed(args)))
        for line in out.splitlines():
            if line.startswith("BENCH "):
                ctx.cache["bench"] = json.loads(line[len("BENCH ") :])
            else:
                print(line)
        if records is None:
            print(govhub("bench", "load", "--services", str(EXTRA_SERVICES)).strip())
        if records:
            began = time.monotonic()
            size = str(records)
            print(govhub("bench", "load", "--organisations", size, "--programmes", size).strip())
            print(f"bench: loaded {records:,} records in {time.monotonic() - began:.1f}s")
        ctx.ids.write_text(json.dumps(ctx.cache.get("bench", {})))
    elif ctx.ids.exists():
        ctx.cache["bench"] = json.loads(ctx.ids.read_text())
    if "bench" in ctx.cache:
        ctx.cache["bench"]["first_ready"] = ctx.cache["bench"]["ready"][0]
    EXPECTED["organisations"] = records or DEMO_ORGANISATIONS + EXTRA_ORGANISATIONS
    indices_import = import_indices(govhub, fresh=fresh)
    print(f"bench: prepared in {time.monotonic() - started:.1f}s")
    return ctx, database, indices_import


def measure(
    args: argparse.Namespace, ctx: Context, wrk: str
) -> tuple[list[dict[str, Any]], list[str], dict[str, Any]]:
    """Start the server on the prepared database and run every scenario asked for."""
    headers = {s.name: {**s.headers, **(s.setup(ctx) if s.setup else {})} for s in args.scenarios}
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    server_info: dict[str, Any] = {
        "command": "govhub serve",
        "workers": args.workers or "serve default",
        "threads": args.server_threads or "serve default",
    }
    with server(ctx.env, free_port(), args.workers, args.server_threads) as (base, pid):
        time.sleep(1)  # let every worker boot before counting them
        server_info["worker_processes"] = len(server_children(pid))
        print(
            f"bench: server at {base}, {server_info['worker_processes']} worker processes "
            f"(log: {SERVER_LOG.relative_to(ROOT)})"
        )
        for scenario in args.scenarios:
            row, failed = run_scenario(ctx, wrk, base, pid, scenario, headers[scenario.name], args)
            rows.append(row)
            failures += failed

    baseline = next((r for r in rows if r["scenario"] == "baseline"), None)
    by_name = {s.name: s for s in args.scenarios}
    for row in rows:
        row["ratio_to_baseline"] = (
            row["rps"] / baseline["rps"] if baseline and baseline["rps"] else None
        )
        scenario = by_name[row["scenario"]]
        row["targets"] = {
            k: v
            for k, v in (("p99_ms", scenario.target_p99_ms), ("ratio", scenario.target_ratio))
            if v is not None
        }
        row["target_problems"] = target_problems(scenario, row)
    return rows, failures, server_info


def machine(wrk: str) -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "wrk": wrk_version(wrk),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = ensure_wrk()
    signal.signal(signal.SIGTERM, _interrupt)
    if args.scale:
        return main_scale(args, wrk)
    ctx, database, indices_import = prepare(args, args.records)
    rows, failures, server_info = measure(args, ctx, wrk)

    print()
    print(format_table(rows))
    report = {
        "machine": machine(wrk),
        "settings": {
            "database": database,
            "organisations": EXPECTED["organisations"],
            "records": args.records,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "wrk_threads": args.threads,
            "repeat": args.repeat,
            "server": server_info,
        },
        "indices_import": indices_import,
        "scenarios": rows,
        "scenario_definitions": [
            {k: v for k, v in asdict(s).items() if k not in ("setup", "check", "headers", "lua")}
            for s in args.scenarios
        ],
        "failures": failures,
    }
    if not write_report(args, report):
        return 1
    missed = [
        f"{r['scenario']} ({', '.join(r['target_problems'])})" for r in rows if r["target_problems"]
    ]
    if not indices_import["met"]:
        missed.append(
            f"indices_import ({indices_import['wall_s']:.1f} s > {INDICES_IMPORT_TARGET_S:g} s)"
        )
    if missed:
        print("bench: targets missed: " + "; ".join(missed), file=sys.stderr)
        if args.check_targets:
            return 3
    return 0


def write_report(args: argparse.Namespace, report: dict[str, Any]) -> bool:
    """Write the JSON; print the failures. Whether the run is free of failures."""
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nbench: results written to {args.output}")
    if report["failures"]:
        print("bench: FAILED:\n  " + "\n  ".join(report["failures"]), file=sys.stderr)
        return False
    return True


def main_scale(args: argparse.Namespace, wrk: str) -> int:
    """The scale scenarios on a database of each size; the growth table."""
    by_size: dict[int, list[dict[str, Any]]] = {}
    failures: list[str] = []
    databases = {}
    for size in args.sizes:
        print(f"\nbench: --- {size:,} organisations and {size:,} programmes ---")
        ctx, databases[size], _indices = prepare(args, size)
        rows, failed, _server = measure(args, ctx, wrk)
        by_size[size], failures = rows, failures + failed
        print()
        print(format_table(rows))
    growth = scale.growth_rows(by_size, SCALE_TARGET)
    print(f"\nbench: latency growth, {args.sizes[0]:,} -> {args.sizes[-1]:,} records")
    print(scale.format_growth(growth, args.sizes))
    report = {
        "machine": machine(wrk),
        "settings": {
            "sizes": args.sizes,
            "databases": databases,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "repeat": args.repeat,
            "target_growth": SCALE_TARGET,
        },
        "scenarios_by_size": {str(k): v for k, v in by_size.items()},
        "growth": growth,
        "failures": failures,
    }
    if not write_report(args, report):
        return 1
    missed = [g["scenario"] for g in growth if not g["met"]]
    if missed:
        print(f"bench: growth target missed: {', '.join(missed)}", file=sys.stderr)
        if args.check_targets:
            return 3
    return 0


def import_indices(govhub: Callable[..., str], *, fresh: bool) -> dict[str, Any]:
    """`govhub indices import` (idempotent), timed: the wall time includes starting Django;
    `command_s` is the command's own figure (reading the files and writing the rows)."""
    started = time.monotonic()
    out = govhub("indices", "import")
    wall = time.monotonic() - started
    own = re.search(r"^time: ([\d.]+) s", out, re.MULTILINE)
    result = {
        "wall_s": round(wall, 2),
        "command_s": float(own.group(1)) if own else None,
        "fresh": fresh,
        "summary": out.strip().splitlines()[0] if out.strip() else "",
        "target_s": INDICES_IMPORT_TARGET_S,
        "met": wall < INDICES_IMPORT_TARGET_S,
    }
    print(
        f"bench: indices import: {wall:.2f} s wall ({result['command_s']} s in the command, "
        f"{'fresh database' if fresh else 'reused database'}); target < "
        f"{INDICES_IMPORT_TARGET_S:g} s: {'met' if result['met'] else 'MISSED'}"
    )
    return result


def wrk_version(wrk: str) -> str:
    proc = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    lines = (proc.stdout or proc.stderr).splitlines()
    return lines[0].strip() if lines else ""


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench: ERROR: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nbench: interrupted; server stopped.", file=sys.stderr)
        sys.exit(130)
