"""`python -m bench.cluster soak [--minutes 30] [--load 0.7]`: a cluster under steady load for
a long time, to show that nothing grows: errors, memory per worker, the p99.

Two web nodes (one gunicorn worker each) and one task worker on PostgreSQL and Redis, behind
nginx (bench/cluster/cluster.py). First the capacity of the mix below is measured (wrk, as
fast as it goes); then wrk paces its connections (a Lua `delay()`) to `--load` of it for
`--minutes`, in one-minute runs. After each minute the resident memory (RSS) of every web
worker and task worker is read from /proc. The report: per minute, requests per second, p50,
p99, errors; per process, RSS at the start and at the end; and whether the targets hold
(0 errors, RSS < 300 MB, memory and p99 flat: the last five minutes against the first five).

The mix, one request after another on each connection: the home page, the directory, a
directory search, the programme list, a programme's page, an organisation's page, the
programme list over the API, `/api/v1/me` with a token, and one programme created over the
API (a write, with its audit entry and search entry) in every twenty requests.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.cluster.cluster import Cluster, process_tree

RSS_LIMIT_MB = 300
WRITE_EVERY = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=int, default=30, help="soak length (30)")
    parser.add_argument("--load", type=float, default=0.7, help="share of capacity (0.7)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--json", type=Path, default=Path("bench/cluster/soak.json"))


def _lua(paths: list[str], token: str, writer_token: str, delay_ms: float) -> str:
    listed = ", ".join(json.dumps(p) for p in paths)
    return f"""
local paths = {{{listed}}}
local i = 0
local n = 0
function request()
  i = i + 1
  if i % {WRITE_EVERY} == 0 then
    n = n + 1
    local body = '{{"title": "Soak programme ' .. n .. ' ' .. math.random(1e9) .. '"}}'
    return wrk.format("POST", "/api/v1/programmes", {{
      ["Authorization"] = "Bearer {writer_token}",
      ["Content-Type"] = "application/json"}}, body)
  end
  local path = paths[(i % #paths) + 1]
  if path == "/api/v1/me" then
    return wrk.format("GET", path, {{["Authorization"] = "Bearer {token}"}})
  end
  return wrk.format("GET", path)
end
function delay()
  return {delay_ms:.1f}
end
"""


def _wrk(url: str, seconds: int, connections: int, script: Path) -> dict[str, Any]:
    out = subprocess.run(
        ["wrk", "--latency", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)

    return {
        "rps": rps,
        "p50_ms": percentile("50"),
        "p99_ms": percentile("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(v) for v in sockets.groups()) if sockets else 0,
    }


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return round(int(match.group(1)) / 1024, 1) if match else None


def _workers(cluster: Cluster) -> dict[str, int]:
    """The processes that do the work: each web node's gunicorn worker(s), each task worker."""
    found: dict[str, int] = {}
    for name, proc in cluster.processes.items():
        if name.startswith("node"):
            children = process_tree(proc.pid)[1:]  # the arbiter's workers
            for k, pid in enumerate(children or [proc.pid]):
                found[f"{name}-worker{k}"] = pid
        elif name.startswith("worker"):
            found[name] = proc.pid
    return found


def _targets(
    minutes: list[dict[str, Any]], memory: dict[str, list[float | None]]
) -> dict[str, Any]:
    head, tail = minutes[:5], minutes[-5:]
    p99_first = statistics.median(m["p99_ms"] for m in head)
    p99_last = statistics.median(m["p99_ms"] for m in tail)
    final = {name: values[-1] for name, values in memory.items()}
    growth = {
        name: round(values[-1] - values[1], 1)
        for name, values in memory.items()
        if len(values) > 2 and values[1] is not None and values[-1] is not None
    }
    return {
        "errors": sum(m["errors"] + m["socket_errors"] for m in minutes),
        "p99_first_5_min_ms": p99_first,
        "p99_last_5_min_ms": p99_last,
        "p99_growth": round(p99_last / p99_first, 2) if p99_first else None,
        "rss_final_mb": final,
        "rss_growth_after_first_minute_mb": growth,
        "rss_under_limit": all(v is not None and v < RSS_LIMIT_MB for v in final.values()),
    }


def soak(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="govhub-soak-"))
    with Cluster(web_nodes=2, task_workers=1) as cluster:
        db = cluster.database
        programme = cluster.sql("SELECT min(id) FROM programmes_programme", db)[0][0]
        organisation = cluster.sql("SELECT min(id) FROM organisations_organisation", db)[0][0]
        token = cluster.probe("token", "business@demo.example").strip().splitlines()[-1]
        writer = cluster.probe("token", "local_body@demo.example").strip().splitlines()[-1]
        paths = [
            "/",
            "/organisations/",
            "/organisations/?q=water",
            "/programmes/",
            f"/programmes/{programme}/",
            f"/organisations/{organisation}/",
            "/api/v1/programmes",
            "/api/v1/me",
        ]
        script = workdir / "mix.lua"
        script.write_text(_lua(paths, token, writer, 0))
        _wrk(cluster.lb_url, 5, args.connections, script)  # warm-up
        capacity = _wrk(cluster.lb_url, 30, args.connections, script)
        rate = capacity["rps"] * args.load
        # Each connection waits so that together they ask for at most `rate` requests a
        # second (each answer's own time comes on top: the rate reached is a little lower).
        delay_ms = 1000 * args.connections / rate
        script.write_text(_lua(paths, token, writer, delay_ms))
        print(f"capacity {capacity['rps']:.0f} req/s; soaking at {rate:.0f} req/s", flush=True)
        workers = _workers(cluster)
        memory: dict[str, list[float | None]] = {n: [_rss_mb(p)] for n, p in workers.items()}
        minutes = []
        for minute in range(args.minutes):
            result = _wrk(cluster.lb_url, 60, args.connections, script)
            for name, pid in workers.items():
                memory[name].append(_rss_mb(pid))
            result["minute"] = minute + 1
            result["rss_mb"] = {name: values[-1] for name, values in memory.items()}
            minutes.append(result)
            print(json.dumps(result), flush=True)
        created = cluster.sql("SELECT count(*) FROM programmes_programme", db)[0][0]
    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "settings": {k: str(v) for k, v in vars(args).items() if k != "run"},
        "capacity": capacity,
        "rate_asked": round(rate, 1),
        "programmes_after": created,
        "minutes": minutes,
        "memory": memory,
        "targets": _targets(minutes, memory),
    }
    args.json.write_text(json.dumps(report, indent=2))
    print(json.dumps(report["targets"], indent=2))
