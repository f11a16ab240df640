"""`python -m bench.cluster throughput`: cached pages, one web node against two (wrk).

One cluster, two web nodes of one gunicorn worker each, node 0 pinned to CPU 0 and node 1 to
CPU 1 (`taskset`), on PostgreSQL and Redis. Two nginx balancers in front: one sends only to
node 0 ("1 node, 1 core"), the other to both ("2 nodes, 2 cores"). Runs alternate between
them (interleaved, `--repeat` rounds) so that the machine's other load falls on both alike;
medians are reported. wrk and nginx are not pinned: in the one-node runs they have the idle
second core to themselves, in the two-node runs they take time from the nodes, so the
comparison leans against the two nodes (a ratio found here is a floor, not a flattering
figure). Also reported: the nodes' CPU time per request (from /proc), which the rest of the
machine's load disturbs least.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.cluster.cluster import Cluster, free_port, process_tree, wait_http

PAGES = {"home": "/", "directory": "/organisations/"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each run")
    parser.add_argument("--json", type=Path, default=Path("bench/cluster/results.json"))


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "--latency", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": rps,
        "p50_ms": percentile("50"),
        "p99_ms": percentile("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sockets.group(1) if sockets else "",
    }


def _run(cluster: Cluster, lb: str, page: str, args: argparse.Namespace) -> dict[str, Any]:
    url = lb + PAGES[page]
    _wrk(url, args.warmup, args.connections)
    pids = [
        p
        for name, proc in cluster.processes.items()
        if name.startswith("node")
        for p in process_tree(proc.pid)
    ]
    cpu_before, load_before = _cpu_seconds(pids), _machine_busy()
    result = _wrk(url, args.duration, args.connections)
    cpu = _cpu_seconds(pids) - cpu_before
    busy = _machine_busy() - load_before
    requests = result["rps"] * args.duration
    result["node_cpu_ms_per_req"] = round(1000 * cpu / requests, 3) if requests else 0.0
    result["machine_busy_cores"] = round(busy / args.duration, 2)
    return result


def _machine_busy() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / CLOCK_TICKS  # all but idle and iowait


def throughput(args: argparse.Namespace) -> None:
    with Cluster(web_nodes=2, task_workers=0, cpus=["0", "1"]) as cluster:
        single = free_port()
        cluster.start_balancer("nginx-single", cluster.node_ports[:1], single)
        lbs = {"1 node": f"http://127.0.0.1:{single}", "2 nodes": cluster.lb_url}
        wait_http(lbs["1 node"] + "/healthz")
        runs: dict[str, dict[str, list[dict[str, Any]]]] = {p: {m: [] for m in lbs} for p in PAGES}
        for round_ in range(args.repeat):
            for page in PAGES:
                for mode, lb in lbs.items():
                    result = _run(cluster, lb, page, args)
                    runs[page][mode].append(result)
                    print(f"round {round_ + 1} {page:9} {mode:7} {json.dumps(result)}", flush=True)
        summary = _summary(runs)
    print(f"\n{'page':10} {'mode':8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms/req':>10}")
    for page, modes in summary.items():
        for mode, row in modes.items():
            if mode.endswith("ratio"):
                continue
            print(
                f"{page:10} {mode:8} {row['rps']:8.0f} {row['p50_ms']:7.1f} {row['p99_ms']:7.1f} "
                f"{row['node_cpu_ms_per_req']:10.3f}"
            )
        print(
            f"{page:10} 2 nodes / 1 node: {modes['ratio']:.2f}x req/s (median of the rounds' "
            f"ratios {modes['paired_ratio']:.2f}x), {modes['cpu_ratio']:.2f}x by CPU per request"
        )
    args.json.write_text(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "cpus": os.cpu_count(),
                "settings": vars(args) | {"json": str(args.json), "run": None},
                "runs": runs,
                "summary": summary,
            },
            indent=2,
        )
    )


def _summary(runs: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for page, modes in runs.items():
        summary[page] = {
            mode: {
                key: statistics.median(r[key] for r in results)
                for key in ("rps", "p50_ms", "p99_ms", "node_cpu_ms_per_req", "machine_busy_cores")
            }
            | {"errors": sum(r["errors"] for r in results)}
            for mode, results in modes.items()
        }
        one, two = summary[page]["1 node"], summary[page]["2 nodes"]
        summary[page]["ratio"] = round(two["rps"] / one["rps"], 2)
        # Each round's two runs were back to back: their ratio shares that moment's noise.
        summary[page]["paired_ratio"] = round(
            statistics.median(
                t["rps"] / o["rps"] for o, t in zip(modes["1 node"], modes["2 nodes"], strict=True)
            ),
            2,
        )
        # What two nodes could serve, each on a core of its own, against one: the CPU a request
        # costs a node, measured under each setup (less disturbed than req/s by other load).
        summary[page]["cpu_ratio"] = round(
            2 * one["node_cpu_ms_per_req"] / two["node_cpu_ms_per_req"], 2
        )
    return summary
